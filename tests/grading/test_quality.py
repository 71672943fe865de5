"""Measured grading quality on the labelled answers, and the measuring code itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scalebot.bank.loader import load_bank
from scalebot.grading.chinese import simplified
from scalebot.grading.evaluation import (
    CriterionScore,
    EvaluationError,
    Report,
    answer_of_length,
    benchmark,
    evaluate,
    language_of,
    load_labelled,
    ranks,
    spearman,
)
from scalebot.grading.rubric import RubricGrader

DATA = Path(__file__).resolve().parents[1] / "data" / "grading"
# What the grader reached (README, "Grading quality"), per split and language, less a small
# margin: (macro-F1, Spearman). The hold-out is measured, never held here.
FLOORS = {
    ("dev", "en"): (0.92, 0.89),
    ("dev", "zh"): (0.95, 0.92),
    ("fresh", "en"): (0.87, 0.76),
    ("fresh", "zh"): (0.91, 0.84),
}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """The rubric grader measured on the development and the fresh splits."""
    labelled = load_labelled(DATA, load_bank())
    return {
        split: evaluate(RubricGrader(), [item for item in labelled if item.split == split])
        for split in ("dev", "fresh")
    }


@pytest.fixture(scope="module")
def dev_report(reports: dict[str, Report]) -> Report:
    """The rubric grader measured on the development split."""
    return reports["dev"]


def test_the_development_set_is_large_and_varied() -> None:
    labelled = [item for item in load_labelled(DATA, load_bank()) if item.split == "dev"]
    answers = [answer for item in labelled for answer in item.answers]
    assert len(answers) >= 80
    assert len(labelled) >= 4
    assert "scale-ml-model" in {item.question.id for item in labelled}
    styles = {answer.style for answer in answers}
    for style in ("structured", "rambling", "terse bullets", "keyword salad", "paraphrase"):
        assert style in styles
    assert {"negated dismissals", "off topic", "very long"} <= styles


@pytest.mark.parametrize(("split", "language"), sorted(FLOORS))
def test_macro_f1_does_not_drop(reports: dict[str, Report], split: str, language: str) -> None:
    assert reports[split].where(language=language).macro_f1 >= FLOORS[split, language][0]


@pytest.mark.parametrize(("split", "language"), sorted(FLOORS))
def test_scores_rank_answers_like_the_reviewer(
    reports: dict[str, Report], split: str, language: str
) -> None:
    assert reports[split].where(language=language).spearman >= FLOORS[split, language][1]


def test_the_fresh_split_covers_every_question_in_both_languages(
    reports: dict[str, Report],
) -> None:
    fresh = reports["fresh"]
    assert {item.question.id for item in fresh.graded} == set(load_bank().ids())
    for qid in load_bank().ids():
        assert fresh.where(question=qid, language="zh").answers >= 2


def test_the_development_set_has_chinese_answers_of_every_kind(dev_report: Report) -> None:
    chinese = [item.answer.text for item in dev_report.graded if item.language == "zh"]
    assert len(chinese) >= 50
    assert any(simplified(text) != text for text in chinese)  # traditional
    assert any(re.search("[A-Za-z]{4,}", text) for text in chinese)  # mixed


def test_reports_split_by_language_and_question(dev_report: Report) -> None:
    english, chinese = dev_report.where(language="en"), dev_report.where(language="zh")
    assert english.answers + chinese.answers == dev_report.answers
    worst = dev_report.by_question()
    assert [qid for qid, _ in worst] == sorted(
        {item.question.id for item in dev_report.graded},
        key=lambda qid: (dev_report.where(question=qid).macro_f1, qid),
    )
    assert worst[0][1].macro_f1 <= worst[-1][1].macro_f1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Retrain weekly.", "en"),
        ("每周重新训练。", "zh"),
        ("每週重新訓練。", "zh"),
        ("用 Kubernetes 部署 the model 并且 autoscale。", "zh"),
        ("We use Kubernetes (容器编排) for the API, with autoscaling on CPU.", "en"),
    ],
)
def test_language_of_an_answer(text: str, language: str) -> None:
    assert language_of(text) == language


def test_f1_precision_and_recall_follow_the_counts() -> None:
    score = CriterionScore("q", "c", true_positive=6, false_positive=2, false_negative=4)
    assert score.precision == 0.75
    assert score.recall == 0.6
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_a_criterion_nobody_ticked_is_perfect_and_left_out_of_macro_f1() -> None:
    assert CriterionScore("q", "c", 0, 0, 0).f1 == 1.0


def test_ranks_average_ties() -> None:
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]


@pytest.mark.parametrize(
    ("xs", "ys", "expected"),
    [
        ([1, 2, 3, 4], [10, 20, 30, 40], 1.0),
        ([1, 2, 3, 4], [4, 3, 2, 1], -1.0),
        ([1, 2, 3], [1, 1, 1], 0.0),
        ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], 0.8),
    ],
)
def test_spearman(xs: list[float], ys: list[float], expected: float) -> None:
    assert spearman(xs, ys) == pytest.approx(expected)


def test_spearman_refuses_sequences_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2], [1])


def test_labels_naming_unknown_criteria_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "question: scale-ml-model\nanswers:\n"
        "  - {id: a, style: s, grade: 5, covered: [teleportation], text: hi}\n"
    )
    with pytest.raises(EvaluationError, match="a names unknown criteria"):
        load_labelled(tmp_path, load_bank())


def test_an_unknown_split_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").write_text(
        "question: scale-ml-model\nsplit: test\nanswers:\n"
        "  - {id: a, style: s, grade: 5, covered: [], text: hi}\n"
    )
    with pytest.raises(EvaluationError, match=r"odd\.yaml"):
        load_labelled(tmp_path, load_bank())


def test_an_answer_id_used_twice_is_refused_naming_both_files(tmp_path: Path) -> None:
    answer = "  - {id: a-1, style: s, grade: 5, covered: [], text: hi}\n"
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(f"question: scale-ml-model\nanswers:\n{answer}")
    with pytest.raises(EvaluationError, match=r"a-1 is used twice \(one\.yaml and two\.yaml\)"):
        load_labelled(tmp_path, load_bank())


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no labelled answers"):
        load_labelled(tmp_path, load_bank())


def test_answers_for_the_benchmark_have_the_asked_length() -> None:
    assert len(answer_of_length("one two three", 7).split()) == 7


def test_benchmark_counts_every_answer() -> None:
    calls = []
    result = benchmark(lambda q, t: calls.append(t), load_bank().questions[:2], rounds=10)
    assert result.answers == len(calls) == 10
    assert result.p99_ms >= result.p50_ms
