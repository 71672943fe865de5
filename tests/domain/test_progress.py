"""The stats picture's data: heatmap days and levels, topic coverage, topic titles."""

from __future__ import annotations

from datetime import date

from scalebot.bank.loader import load_bank
from scalebot.domain.progress import (
    DayMark,
    Progress,
    heatmap_start,
    mark_for_score,
    topic_coverage,
)
from scalebot.domain.topics import topic_title
from scalebot.locales import ENGLISH

TUESDAY = date(2026, 12, 1)


def test_the_heatmap_starts_on_a_monday_25_weeks_before_this_week() -> None:
    start = heatmap_start(TUESDAY)
    assert start.weekday() == 0
    assert (TUESDAY - start).days == 25 * 7 + 1


def test_days_are_marked_missed_answered_by_score_or_without_a_round() -> None:
    held = frozenset({date(2026, 11, 30), date(2026, 11, 27), TUESDAY})
    progress = Progress(TUESDAY, held, {TUESDAY: 95, date(2026, 11, 27): 45}, 1, 3, ())
    assert progress.mark(TUESDAY) is DayMark.STRONG
    assert progress.mark(date(2026, 11, 27)) is DayMark.FAIR
    assert progress.mark(date(2026, 11, 30)) is DayMark.MISSED
    assert progress.mark(date(2026, 11, 29)) is DayMark.NO_ROUND
    assert (progress.answered, progress.rounds) == (2, 3)


def test_answers_older_than_the_heatmap_are_not_counted_in_its_summary() -> None:
    old = date(2025, 1, 6)
    progress = Progress(TUESDAY, frozenset({TUESDAY}), {old: 80, TUESDAY: 80}, 1, 1, ())
    assert (progress.answered, progress.rounds) == (1, 1)


def test_score_levels() -> None:
    levels = [mark_for_score(s) for s in (0, 39, 40, 69, 70, 89, 90, 100)]
    assert (
        levels == [DayMark.LOW] * 2 + [DayMark.FAIR] * 2 + [DayMark.GOOD] * 2 + [DayMark.STRONG] * 2
    )


def test_topic_coverage_weighs_what_was_covered_against_what_was_asked() -> None:
    bank = load_bank()
    question = bank.questions[0]
    first = question.rubric[0]
    coverage = topic_coverage(
        ["aaa-unasked", question.topic], [(question, (first.id,)), (question, ())]
    )
    by_topic = {item.topic: item for item in coverage}
    assert [item.topic for item in coverage] == ["aaa-unasked", question.topic]
    assert by_topic["aaa-unasked"].covered is None
    assert by_topic[question.topic].answers == 2
    expected = (2 * question.total_weight - first.weight) / (2 * question.total_weight)
    assert by_topic[question.topic].covered == expected


def test_every_shipped_topic_has_a_title() -> None:
    for question in load_bank().questions:
        assert ENGLISH(topic_title(question.topic)) != question.topic.replace("-", " ")


def test_an_operators_topic_reads_as_its_slug_made_readable() -> None:
    assert topic_title("edge-devices") == "Edge devices"
