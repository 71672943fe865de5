"""Feedback always fits one Slack section block and one Discord embed."""

from __future__ import annotations

from scalebot.bank.loader import load_bank
from scalebot.domain.questions import Question
from scalebot.grading.evaluation import default_data_dir, load_labelled
from scalebot.grading.feedback import CriterionResult, Feedback
from scalebot.grading.rubric import RubricGrader
from scalebot.locales import ENGLISH, Language, translator
from scalebot.services.replies import FEEDBACK_CHARS, feedback_reply, rendered_size

SLACK_SECTION = 3000
DISCORD_DESCRIPTION = 4096
DISCORD_EMBED = 6000


def _slack_escaped(text: str) -> str:
    """Escape as Slack mrkdwn needs."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _discord_escaped(text: str) -> str:
    """Escape markdown as Discord needs (a backslash before each marker)."""
    for mark in "\\*_`~|>":
        text = text.replace(mark, "\\" + mark)
    return text


def _worst_feedback(*, met: bool) -> Feedback:
    """Seven criteria with the longest evidence, hints, cue lists and notes one could get."""
    hostile = "<&>*_`~|" * 25
    results = tuple(
        CriterionResult(
            id=f"criterion-{i}",
            label="A long criterion label for measuring size " * 2,
            weight=10,
            met=met,
            evidence=hostile[:200] if met else None,
            matched=tuple(f"cue phrase number {n} & <more>" for n in range(20)) if met else (),
            hint=None if met else "What would you do & why <exactly>? " * 12,
        )
        for i in range(7)
    )
    return Feedback(
        question_id="q",
        score=100 if met else 0,
        criteria=results,
        follow_up="A follow-up question that goes on & on <and on>? " * 8,
        notes=("A note about the answer & its <style>." * 3,) * 4,
        grader_version="test",
    )


def _question(feedback: Feedback) -> Question:
    """The bank question the feedback is for (any one for made-up feedback)."""
    return load_bank().get(feedback.question_id) or load_bank().questions[0]


def _check_fits(feedback: Feedback) -> None:
    """Assert the rendered reply fits every limit, escaped for each platform, in each language."""
    for language in Language:
        t = translator(language)
        reply = feedback_reply(
            feedback, _question(feedback), t=t, streak=123, late=False, revision=9
        )
        text = reply.plain_text()
        assert rendered_size(reply) <= FEEDBACK_CHARS
        assert len(_slack_escaped(text)) <= SLACK_SECTION
        assert len(_discord_escaped(text)) <= DISCORD_DESCRIPTION <= DISCORD_EMBED


def test_worst_case_covered_feedback_fits() -> None:
    _check_fits(_worst_feedback(met=True))


def test_worst_case_missed_feedback_fits() -> None:
    _check_fits(_worst_feedback(met=False))


def test_every_bank_question_fully_and_barely_answered_fits() -> None:
    grader = RubricGrader()
    for question in load_bank().questions:
        _check_fits(grader.grade(question, question.model_answer))
        _check_fits(grader.grade(question, "no idea"))


def test_ordinary_feedback_is_shown_in_full() -> None:
    question = load_bank().get("scale-ml-model")
    assert question is not None
    feedback = RubricGrader().grade(question, question.model_answer)
    text = feedback_reply(
        feedback, _question(feedback), t=ENGLISH, streak=1, late=False, revision=1
    ).plain_text()
    for result in feedback.covered:
        assert f"“{result.evidence}”" in text


def test_only_three_cues_are_shown_per_criterion() -> None:
    many = CriterionResult(
        "a", "Label", 1, True, "evidence", tuple(f"cue {n}" for n in range(20)), None
    )
    feedback = Feedback("q", 100, (many,), "Next?", (), "test")
    text = feedback_reply(
        feedback, _question(feedback), t=ENGLISH, streak=0, late=False, revision=1
    ).plain_text()
    assert "(cue 0, cue 1, cue 2 +17 more)" in text


def test_a_criterion_added_without_cues_shows_no_empty_brackets() -> None:
    feedback = _worst_feedback(met=True)
    first = feedback.criteria[0]
    bare = CriterionResult(first.id, "Label", 1, True, "quoted words", (), None)
    lone = Feedback("q", 50, (bare,), "Next?", (), "test")
    reply = feedback_reply(lone, _question(lone), t=ENGLISH, streak=0, late=False, revision=1)
    assert "✅ Label: “quoted words”" in reply.plain_text()
    assert "()" not in reply.plain_text()


def test_long_real_answers_in_both_languages_fit() -> None:

    grader = RubricGrader()
    for item in load_labelled(default_data_dir(), load_bank()):
        if item.split != "dev":
            continue
        everything = "\n".join(answer.text for answer in item.answers)
        feedback = grader.grade(item.question, everything)
        assert feedback.notes or feedback.covered
        _check_fits(feedback)
