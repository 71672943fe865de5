"""The shipped question bank: every file loads and follows the content rules."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence

import pytest

from scalebot.bank.loader import load_bank, load_files, shipped_files
from scalebot.domain.questions import Question
from scalebot.grading.text import stem, words

CANONICAL_CRITERIA = [
    "retraining",
    "data-volume",
    "checkpointing",
    "framework-hardware",
    "features",
    "serving",
    "deployment",
]
# Jaccard overlap of content words above which two questions count as near-duplicates.
NEAR_DUPLICATE_PROMPTS = 0.5
NEAR_DUPLICATE_MODEL_ANSWERS = 0.6
_COMMON_WORDS = "a an the and or of to in on for with by is are be you your we our it this that"
_COMMON = {stem(w) for w in f"{_COMMON_WORDS} how would what which do does at as from".split()}


def _shipped() -> list[Question]:
    """Every shipped question, loaded file by file (duplicates included)."""
    return load_files(shipped_files())


def _content_words(text: str) -> set[str]:
    """The stems of a text without the most common function words."""
    return {stem(word) for word in words(text)} - _COMMON


def _overlap(first: set[str], second: set[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(first & second) / len(first | second) if first | second else 0.0


def duplicate_ids(questions: Iterable[Question]) -> list[str]:
    """Return question ids that appear more than once."""
    counts = Counter(question.id for question in questions)
    return sorted(question_id for question_id, n in counts.items() if n > 1)


def near_duplicates(questions: Sequence[Question]) -> list[tuple[str, str, float]]:
    """Return pairs of questions whose prompts or model answers share too many words."""
    pairs = []
    for first, second in itertools.combinations(questions, 2):
        prompts = _overlap(
            _content_words(f"{first.title} {first.prompt}"),
            _content_words(f"{second.title} {second.prompt}"),
        )
        answers = _overlap(_content_words(first.model_answer), _content_words(second.model_answer))
        if prompts > NEAR_DUPLICATE_PROMPTS or answers > NEAR_DUPLICATE_MODEL_ANSWERS:
            pairs.append((first.id, second.id, round(max(prompts, answers), 2)))
    return pairs


def problems(question: Question) -> list[str]:
    """Return every content rule one question breaks."""
    found = []
    if not 4 <= len(question.rubric) <= 7:
        found.append(f"{len(question.rubric)} criteria (want 4 to 7)")
    model_words = len(question.model_answer.split())
    if not 120 <= model_words <= 300:
        found.append(f"model answer has {model_words} words (want 120 to 300)")
    if len(question.follow_ups) != 2:
        found.append(f"{len(question.follow_ups)} follow-ups (want 2)")
    for criterion in question.rubric:
        if not criterion.cues or not all(words(cue) for cue in criterion.cues):
            found.append(f"{criterion.id}: a criterion needs cues made of words")
        if not criterion.hint.strip():
            found.append(f"{criterion.id}: no hint")
        elif "?" not in criterion.hint:
            found.append(f"{criterion.id}: the hint should ask a question")
    return found


def test_the_bank_has_at_least_50_questions_over_10_topics() -> None:
    bank = load_bank()
    assert len(bank) >= 50
    assert len({question.topic for question in bank.questions}) >= 10


def test_no_two_files_share_an_id() -> None:
    assert duplicate_ids(_shipped()) == []


def test_duplicate_ids_are_found() -> None:
    question = _shipped()[0]
    assert duplicate_ids([question, question]) == [question.id]


@pytest.mark.parametrize("question", _shipped(), ids=lambda q: q.id)
def test_question_follows_the_content_rules(question: Question) -> None:
    assert problems(question) == []


def test_content_rules_catch_missing_hints_and_statements() -> None:
    question = load_bank().get("scale-ml-model")
    assert question is not None
    broken = question.model_copy(
        update={
            "rubric": question.rubric[:3],
            "follow_ups": question.follow_ups[:1],
            "model_answer": "Too short.",
        }
    )
    first = broken.rubric[0].model_copy(update={"hint": "Retrain when drift appears."})
    broken = broken.model_copy(update={"rubric": (first, *broken.rubric[1:])})
    assert problems(broken) == [
        "3 criteria (want 4 to 7)",
        "model answer has 2 words (want 120 to 300)",
        "1 follow-ups (want 2)",
        "retraining: the hint should ask a question",
    ]


def test_criteria_without_cues_are_refused() -> None:
    question = load_bank().get("scale-ml-model")
    assert question is not None
    criterion = question.rubric[0].model_copy(update={"cues": ("_",)})
    assert (
        problems(question.model_copy(update={"rubric": (criterion,) * 4}))
        == ["retraining: a criterion needs cues made of words"] * 4
    )


def test_no_two_questions_are_near_duplicates() -> None:
    assert near_duplicates(_shipped()) == []


def test_near_duplicates_are_found() -> None:
    question = _shipped()[0]
    reworded = question.model_copy(
        update={"id": "reworded", "prompt": question.prompt + " Explain briefly."}
    )
    assert [pair[:2] for pair in near_duplicates([question, reworded])] == [
        (question.id, "reworded")
    ]


def test_the_canonical_question_keeps_its_criteria() -> None:
    question = load_bank().get("scale-ml-model")
    assert question is not None
    assert [criterion.id for criterion in question.rubric] == CANONICAL_CRITERIA
