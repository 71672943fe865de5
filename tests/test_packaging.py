"""What can be checked of the wheel and the Dockerfile without a Docker engine."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel once."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("scalebot-*.whl")
    return built


def test_wheel_ships_questions_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "scalebot/bank/questions/scale-ml-model.yaml" in names
    assert "scalebot/_migrations/env.py" in names
    assert any(re.match(r"scalebot/_migrations/versions/0001_.*\.py$", n) for n in names)
    assert sum(n.startswith("scalebot/bank/questions/") for n in names) >= 12
    assert "scalebot/_labelled/scale-ml-model.yaml" in names


def test_wheel_ships_the_compiled_catalogs(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "scalebot/locales/zh_CN/LC_MESSAGES/scalebot.mo" in names
    assert "scalebot/locales/zh_CN/LC_MESSAGES/scalebot.po" in names
    assert "scalebot/locales/scalebot.pot" in names


def test_installed_wheel_upgrades_a_database_and_grades(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel in a venv that sees our dependencies; run it outside the checkout."""
    target = tmp_path / "venv"
    venv.create(target, system_site_packages=False, with_pip=False)
    site = next((target / "lib").glob("python3.*/site-packages"))
    # Reuse this environment's dependencies, but not its editable scalebot.
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    python = target / "bin" / "python"
    probe = subprocess.run(
        [str(python), "-c", "import scalebot, sys; print(scalebot.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert probe.stdout.startswith(str(site))
    result = subprocess.run(
        [str(python), "-m", "scalebot", "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"SCALEBOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "database is at revision" in result.stdout
    graded = subprocess.run(
        [str(python), "-m", "scalebot", "eval", "-q", "scale-ml-model"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        timeout=120,
        check=False,
    )
    assert graded.returncode == 0, graded.stderr
    assert "macro-F1" in graded.stdout
    speaks = subprocess.run(
        [str(python), "-c", SPEAK_CHINESE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert speaks.stdout.strip() == "今天的题目已发布。"


# The installed package reads its compiled catalog, not the checkout's.
SPEAK_CHINESE = (
    "from scalebot.locales import Language, _, translator; "
    'print(translator(Language.ZH)(_("Posted today\'s round.")))'
)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            word, _, rest = stripped.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def test_dockerfile_copies_paths_that_exist() -> None:
    for instruction, args in dockerfile_instructions():
        if instruction == "COPY" and "--from" not in args:
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerfile_runs_as_non_root_on_a_slim_base() -> None:
    instructions = dockerfile_instructions()
    bases = [args for name, args in instructions if name == "FROM"]
    assert all("slim" in base for base in bases)
    users = [args for name, args in instructions if name == "USER"]
    assert users
    assert users[-1] not in ("root", "0")


def test_dockerfile_runs_scalebot_as_pid_1_and_stops_it_with_sigterm() -> None:
    """Exec form without a shell: SIGTERM reaches scalebot itself, which exits cleanly."""
    instructions = dockerfile_instructions()
    [command] = [args for name, args in instructions if name == "CMD"]
    assert json.loads(command) == ["scalebot", "run"]
    assert ("STOPSIGNAL", "SIGTERM") in instructions
    result = subprocess.run(
        [sys.executable, "-m", "scalebot", "run", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_compose_gives_the_bot_an_init_and_time_to_finish() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    bot = text.split("  bot:", 1)[1]
    assert "init: true" in bot
    grace = re.search(r"stop_grace_period: (\d+)s", bot)
    assert grace is not None
    assert int(grace.group(1)) > 10  # longer than the default SCALEBOT_SHUTDOWN_GRACE


def test_compose_runs_the_bot_with_postgres() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "image: postgres" in text
    assert "SCALEBOT_DATABASE_URL: postgresql://" in text
    assert "build: ." in text


def _healthcheck_command() -> str:
    """The shell command of the Dockerfile's HEALTHCHECK."""
    [args] = [args for name, args in dockerfile_instructions() if name == "HEALTHCHECK"]
    return args.split(" CMD ", 1)[1]


@pytest.mark.parametrize(("healthy", "exit_code"), [(True, 0), (False, 1)])
async def test_the_image_healthcheck_follows_healthz(healthy: bool, exit_code: int) -> None:
    from scalebot.ops.health import Health, HealthServer

    async def part() -> bool:
        return healthy

    server = HealthServer(Health({"database": part}), "127.0.0.1", 0)
    await server.start()
    assert server.address is not None
    try:
        env = {**os.environ, "SCALEBOT_HEALTH_PORT": str(server.address[1])}
        probe = await asyncio.create_subprocess_shell(
            _healthcheck_command().replace("python ", f"{sys.executable} ", 1),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert await asyncio.wait_for(probe.wait(), timeout=30) == exit_code
    finally:
        await server.stop()


def test_compose_restarts_and_health_checks_both_services() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("restart: unless-stopped") == 2
    assert text.count("healthcheck:") == 2
    assert "/healthz" in text
