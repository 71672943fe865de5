"""`scalebot eval` and `scalebot bench grade`, run as a user would run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def scalebot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI from the repository root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "scalebot", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _figure(name: str, output: str) -> float:
    """Read one summary figure from the eval output."""
    match = re.search(rf"{name}[^:]*: (-?[0-9.]+)", output)
    assert match, output
    return float(match[1])


def test_eval_prints_figures_by_language_and_question_worst_first() -> None:
    result = scalebot("eval")
    assert result.returncode == 0, result.stderr
    assert re.search(r"│ dev +│ en +│ \d+", result.stdout)
    assert re.search(r"│ dev +│ zh +│ \d+", result.stdout)
    assert "scale-ml-model" in result.stdout
    assert "holdout" not in result.stdout
    assert re.search(r"^worst questions: [a-z0-9-]+", result.stdout, re.MULTILINE)
    assert _figure("macro-F1", result.stdout) >= 0.7
    assert _figure("Spearman", result.stdout) >= 0.7


def test_eval_prints_every_criterion_on_request() -> None:
    result = scalebot("eval", "-q", "scale-ml-model", "--criteria")
    assert result.returncode == 0, result.stderr
    assert "data-volume" in result.stdout


def test_eval_can_pick_questions_and_the_holdout_split() -> None:
    result = scalebot("eval", "--questions", "scale-ml-model,notebook-model-to-api")
    assert result.returncode == 0, result.stderr
    assert "churn-scores" not in result.stdout
    answers = int(re.findall(r"answers: (\d+)", result.stdout)[0])
    one = scalebot("eval", "--questions", "scale-ml-model")
    assert 0 < int(re.findall(r"answers: (\d+)", one.stdout)[0]) < answers
    holdout = scalebot("eval", "--split", "holdout")
    assert "shrink-transformer-latency" in holdout.stdout
    assert "scale-ml-model" not in holdout.stdout


def test_eval_lists_mistakes_on_request() -> None:
    result = scalebot("eval", "--mistakes", "-q", "scale-ml-model")
    assert re.search(r"^(missed|wrong) +sml-\d+ ", result.stdout, re.MULTILINE)


def test_eval_names_an_unknown_question() -> None:
    result = scalebot("eval", "--questions", "no-such-question")
    assert result.returncode == 2
    assert "no labelled answers for no-such-question" in result.stderr


def test_eval_finds_its_labelled_answers_from_any_directory(tmp_path: Path) -> None:
    result = scalebot("eval", "-q", "scale-ml-model", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "scale-ml-model" in result.stdout


def test_eval_reads_a_folder_given_with_data(tmp_path: Path) -> None:
    source = ROOT / "tests" / "data" / "grading" / "scale-ml-model.yaml"
    (tmp_path / "one.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = scalebot("eval", "--data", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notebook-model-to-api" not in result.stdout
    assert "scale-ml-model" in result.stdout


def test_eval_explains_a_missing_data_folder(tmp_path: Path) -> None:
    result = scalebot("eval", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no labelled answers (*.yaml)" in result.stderr


def test_bench_grade_races_the_baseline_and_chinese_and_ends_with_json() -> None:
    result = scalebot("bench", "grade", "--answers", "200", "--words", "300")
    assert result.returncode == 0, result.stderr
    assert "200 answers of about 300 words per grader" in result.stdout
    for name in ("rubric-2 (baseline), English", "rubric-4, English", "rubric-4, Chinese"):
        speed = r"[0-9,]+ answers/s \([0-9,]+ per CPU-second\), .* p99 [0-9.]+ ms"
        line = f"{re.escape(name)}: {speed}"
        assert re.search(line, result.stdout)
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last["answers"] == 200
    assert last["answers_per_s"] == last["en_answers_per_s"] > 0
    assert last["zh_answers_per_s"] > 0
    assert last["baseline_answers_per_s"] > 0
    assert last["p99_ms"] >= 0
    ratio = last["en_answers_per_s"] / last["baseline_answers_per_s"]
    assert last["en_vs_baseline"] == pytest.approx(ratio, rel=0.01)
    assert last["en_vs_baseline_cpu"] > 0
    assert last["zh_vs_en_cpu"] > 0


def test_bench_grade_explains_a_missing_data_folder(tmp_path: Path) -> None:
    result = scalebot("bench", "grade", "--answers", "100", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "no labelled answers (*.yaml)" in result.stderr
