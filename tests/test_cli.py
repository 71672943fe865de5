"""The scalebot command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scalebot.bank.loader import shipped_files

GOOD = (
    "I would monitor drift and retrain on fresh data because accuracy decays, and serve "
    "predictions behind an API on Kubernetes with autoscaling."
)


def scalebot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI in a clean SCALEBOT_* environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "scalebot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_grade_prints_feedback() -> None:
    result = scalebot("grade", "scale-ml-model", stdin=GOOD)
    assert result.returncode == 0, result.stderr
    assert "Score" in result.stdout
    assert "Retraining as data changes" in result.stdout


def test_grade_jsonl_writes_one_record_per_answer() -> None:
    lines = [
        json.dumps({"id": "a1", "text": GOOD}),
        "",
        json.dumps({"id": 2, "text": "I would not use GPUs."}),
    ]
    result = scalebot("grade", "scale-ml-model", "--jsonl", stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a1", 2]
    first, second = records
    assert set(first) == {"id", "question", "score", "criteria", "follow_up"}
    assert first["question"] == "scale-ml-model"
    assert first["score"] > second["score"] == 0
    retraining = next(c for c in first["criteria"] if c["id"] == "retraining")
    assert retraining["met"] is True
    assert "drift" in retraining["evidence"]
    assert retraining["hint"] is None
    assert set(retraining) == {"id", "met", "evidence", "hint"}
    hardware = next(c for c in second["criteria"] if c["id"] == "framework-hardware")
    assert (hardware["met"], hardware["evidence"]) == (False, None)
    assert hardware["hint"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["grade", "no-such-question"], GOOD, "unknown question 'no-such-question'"),
        (["grade", "scale-ml-model"], "   ", "the answer is empty"),
        (["grade", "scale-ml-model", "--jsonl"], "{oops\n", "line 1: not JSON"),
        (["grade", "scale-ml-model", "--jsonl"], '{"id": 1}\n', "line 1: expected an object"),
        (["grade", "scale-ml-model", "--file", "/nonexistent"], "", "cannot read /nonexistent"),
        (["grade", "scale-ml-model", "--jsonl"], '{"text": "x y"}\n', 'line 1: expected an "id"'),
    ],
)
def test_grade_bad_input_gets_one_line(args: list[str], stdin: str, message: str) -> None:
    result = scalebot(*args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_questions_list_shows_the_bank() -> None:
    result = scalebot("questions", "list")
    assert result.returncode == 0
    assert "scale-ml-model" in result.stdout


def test_questions_lint_accepts_the_bank_and_names_a_broken_file(tmp_path: Path) -> None:
    assert scalebot("questions", "lint").returncode == 0
    broken = tmp_path / "broken.yaml"
    text = shipped_files()[0].read_text().replace("difficulty:", "difficulty: impossible\n#")
    broken.write_text(text)
    result = scalebot("questions", "lint", str(broken))
    assert result.returncode == 1
    assert "broken.yaml" in result.stderr
    assert "difficulty" in result.stderr


def test_questions_lint_checks_the_chinese_fields_too(tmp_path: Path) -> None:
    source = shipped_files()[0]
    english_only = tmp_path / source.name
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    del data["rubric"][0]["zh"]
    english_only.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = scalebot("questions", "lint", str(english_only))
    assert result.returncode == 1
    assert f"missing Chinese: rubric.{data['rubric'][0]['id']}.zh" in result.stderr


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SCALEBOT_TIMEZONE": "Mars/Base"}, "SCALEBOT_TIMEZONE"),
        ({"SCALEBOT_DATABASE_URL": "mysql://x@y/z"}, "SCALEBOT_DATABASE_URL"),
        ({"SCALEBOT_DATABASE_URL": "not a url"}, "SCALEBOT_DATABASE_URL"),
        ({"SCALEBOT_POST_TIME": "9am"}, "SCALEBOT_POST_TIME"),
        ({"SCALEBOT_LOG_LEVEL": "LOUD"}, "SCALEBOT_LOG_LEVEL"),
        (
            {"SCALEBOT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "SCALEBOT_DATABASE_URL: cannot connect",
        ),
    ],
)
def test_bad_settings_stop_start_up_with_one_line(env: dict[str, str], setting: str) -> None:
    result = scalebot("db", "upgrade", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert setting in lines[0]


def test_questions_lint_names_a_file_that_is_not_text(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"id: x\n\xff\xfe\x00")
    result = scalebot("questions", "lint", str(binary))
    assert result.returncode == 1
    assert "binary.yaml: not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_is_not_echoed() -> None:
    """A URL that does not parse may still hold a password: the message must not show it."""
    result = scalebot("db", "upgrade", env={"SCALEBOT_DATABASE_URL": "postgres:/bob:s3cr3t@h/db"})
    assert result.returncode == 2
    assert "SCALEBOT_DATABASE_URL" in result.stderr
    assert "s3cr3t" not in result.stderr


def test_db_upgrade_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    result = scalebot("db", "upgrade", env={"SCALEBOT_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert "database is at revision" in result.stdout
    assert (tmp_path / "data" / "scalebot.db").is_file()


def test_console_reads_a_script_from_stdin(tmp_path: Path) -> None:
    script = f"/scale answer {GOOD}\n/advance 1d\n/scale streak\n"
    result = scalebot(
        "console", stdin=script, env={"SCALEBOT_DATA_DIR": str(tmp_path), "USER": "casey"}
    )
    assert result.returncode == 0, result.stderr
    assert "you are casey" in result.stdout
    assert "Score" in result.stdout
    assert "Your streak: 1" in result.stdout


def test_run_unknown_platform() -> None:
    result = scalebot("run", "myspace")
    assert result.returncode == 2
    assert "unknown platform 'myspace'" in result.stderr


def operator_folder(tmp_path: Path, *, bad: tuple[str, str] | None = None) -> Path:
    """A SCALEBOT_QUESTIONS_DIR with one question, broken by replacing `bad` when given."""
    folder = tmp_path / "questions"
    folder.mkdir()
    text = shipped_files()[0].read_text(encoding="utf-8")
    text = text.replace(f"id: {shipped_files()[0].stem}", "id: our-question", 1)
    (folder / "our-question.yaml").write_text(text.replace(*bad) if bad else text)
    return folder


def test_questions_lint_checks_a_folder_as_start_up_would(tmp_path: Path) -> None:
    good = operator_folder(tmp_path)
    result = scalebot("questions", "lint", str(good))
    assert (result.returncode, result.stdout.strip()) == (0, "1 question file OK")
    clash = good / shipped_files()[1].name
    clash.write_text(shipped_files()[1].read_text(encoding="utf-8"))
    result = scalebot("questions", "lint", str(good))
    assert result.returncode == 1
    assert f"id: '{clash.stem}' is a shipped question" in result.stderr


def test_a_bad_operator_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    folder = operator_folder(tmp_path, bad=("difficulty:", "difficulty: impossible\n#"))
    env = {"SCALEBOT_QUESTIONS_DIR": str(folder), "SCALEBOT_DATA_DIR": str(tmp_path)}
    result = scalebot("console", stdin="/quit\n", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: SCALEBOT_QUESTIONS_DIR: {folder}/our-question.yaml:")
    assert "difficulty" in lines[0]


def test_operator_questions_are_listed_and_graded(tmp_path: Path) -> None:
    env = {"SCALEBOT_QUESTIONS_DIR": str(operator_folder(tmp_path))}
    assert "our-question" in scalebot("questions", "list", env=env).stdout
    graded = scalebot("grade", "our-question", stdin=GOOD, env=env)
    assert graded.returncode == 0, graded.stderr


def test_a_questions_dir_that_is_not_a_folder_is_one_line(tmp_path: Path) -> None:
    result = scalebot("db", "upgrade", env={"SCALEBOT_QUESTIONS_DIR": str(tmp_path / "none")})
    assert result.returncode == 2
    assert "SCALEBOT_QUESTIONS_DIR" in result.stderr
    assert "is not a folder" in result.stderr
