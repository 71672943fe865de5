"""Description matching: plain words that say what a criterion describes, without its cues."""

from __future__ import annotations

import pytest

from scalebot.domain.questions import Question
from scalebot.grading.rubric import RubricGrader

QUESTION = Question.model_validate(
    {
        "id": "toy-rollout",
        "title": "Roll out a new model",
        "prompt": "How would you roll out the new ranking model?",
        "topic": "deployment",
        "difficulty": "easy",
        "rubric": [
            {
                "id": "shadow",
                "weight": 2,
                "description": "Sends mirrored live requests to the new model in the background "
                "and compares its predictions with the current one, never shown to users.",
                "cues": ["shadow mode"],
                "hint": "How would you learn how it behaves before anyone sees it?",
            },
            {
                "id": "rollback",
                "weight": 1,
                "description": "Keeps the previous version warm so traffic can be switched back "
                "within minutes when an alarm fires.",
                "cues": ["rollback"],
                "hint": "How fast can you undo it?",
            },
        ],
        "model_answer": " ".join(["Run it in shadow mode, keep a rollback ready."] * 15),
        "follow_ups": ["What would you compare?", "What if the alarm is noisy?"],
    }
)
GRADER = RubricGrader()


def covered(text: str) -> set[str]:
    """The criteria the grader finds in an answer to the toy question."""
    return {r.id for r in GRADER.grade(QUESTION, text).covered}


def test_a_plain_words_description_covers_the_criterion_and_quotes_the_words() -> None:
    text = "Let it answer live requests in the background and compare them with what we serve."
    feedback = GRADER.grade(QUESTION, text)
    [result] = feedback.covered
    assert result.id == "shadow"
    assert result.evidence == text
    assert result.matched == ("live", "requests", "background", "compare")


@pytest.mark.parametrize(
    "text",
    [
        "We would not compare anything in the background with live requests.",
        "Background jobs are fine.",  # one shared word is not enough
        "让新模型在后台处理真实请求，和现在的模型比较预测结果。",  # Chinese is read by its cues
    ],
)
def test_negated_thin_or_chinese_sentences_are_not_read_against_descriptions(text: str) -> None:
    assert covered(text) == set()


def test_a_sentence_closer_to_another_description_covers_that_one_only() -> None:
    assert covered("Keep the previous version warm and switch traffic back in minutes.") == {
        "rollback"
    }


def test_a_criterion_found_by_its_cues_keeps_its_cue_evidence() -> None:
    feedback = GRADER.grade(QUESTION, "Run it in shadow mode first, comparing live requests.")
    [result] = feedback.covered
    assert result.matched == ("shadow mode",)


def test_words_of_the_hint_count_as_the_description() -> None:
    assert covered("We would undo it fast, by switching traffic back, if the alarm fires.") == {
        "rollback"
    }


def test_a_criterion_found_by_its_description_does_not_crowd_out_a_cue() -> None:
    text = "Compare live requests in the background before any rollback."
    assert covered(text) == {"shadow", "rollback"}


def test_what_a_description_says_not_to_do_covers_nothing() -> None:
    shadow, rollback = QUESTION.rubric
    recent = shadow.model_copy(
        update={
            "id": "recent-period",
            "description": "Validates on the most recent weeks held out in time, and avoids "
            "random splits that mix old and new regimes.",
            "cues": ("held-out weeks",),
        }
    )
    question = QUESTION.model_copy(update={"rubric": (recent, rollback)})
    grade = GRADER.grade
    assert not grade(question, "A random split mixing both regimes is what I would do.").covered
    [result] = grade(question, "Validate on the most recent weeks, kept apart in time.").covered
    assert result.id == "recent-period"
