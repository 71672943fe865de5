"""The `bot` front door: installs once, reinstalls when pyproject.toml changes, routes commands."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _executable(path: Path, body: str) -> None:
    path.write_text(body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _checkout(tmp_path: Path) -> Path:
    """A copy of `bot` beside a pyproject, with a stand-in .venv that logs what it is asked."""
    shutil.copy(ROOT / "bot", tmp_path / "bot")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    _executable(
        bin_dir / "python",
        f'#!/bin/sh\nif [ "$1" = "-c" ]; then exec {sys.executable} "$@"; fi\n'
        f'echo "python $*" >> {log}\n',
    )
    for tool in ("scalebot", "ruff", "mypy", "pytest"):
        _executable(bin_dir / tool, f'#!/bin/sh\necho "{tool} $*" >> {log}\n')
    return tmp_path


def _bot(checkout: Path, *args: str) -> list[str]:
    """Run bot and return the calls it made since the last run."""
    log = checkout / "calls.log"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    subprocess.run(["bash", str(checkout / "bot"), *args], check=True, env=env, capture_output=True)
    return log.read_text().splitlines() if log.exists() else []


def _installs(calls: list[str]) -> list[str]:
    return [call for call in calls if "pip install" in call and "-e" in call]


def test_installs_once_and_again_when_pyproject_changes(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    first = _bot(checkout, "questions", "list")
    assert len(_installs(first)) == 1
    assert f"-e {checkout}[dev]" in _installs(first)[0]
    assert _installs(_bot(checkout, "questions", "list")) == []
    (checkout / "pyproject.toml").write_text('[project]\nname = "y"\n')
    assert len(_installs(_bot(checkout, "questions", "list"))) == 1


def test_routes_demo_run_test_and_other_commands(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    assert _bot(checkout, "demo")[-1] == "scalebot console"
    assert _bot(checkout, "run", "slack")[-1] == "scalebot run slack"
    assert _bot(checkout, "grade", "scale-ml-model")[-1] == "scalebot grade scale-ml-model"
    test_calls = _bot(checkout, "test", "-k", "cli")
    assert test_calls == [
        "ruff check src tests migrations",
        "ruff format --check src tests migrations",
        "mypy ",
        "pytest -k cli",
    ]


def test_test_help_answers_at_once_without_linting(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    _bot(checkout, "questions", "list")  # installed
    assert _bot(checkout, "test", "--help") == ["pytest --help"]
    assert _bot(checkout, "test", "tests/services", "-h") == ["pytest --help"]
