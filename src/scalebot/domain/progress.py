"""A member's practice history as the stats picture shows it: days, streaks, topic coverage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

from scalebot.domain.questions import Question

HEATMAP_WEEKS = 26


class DayMark(IntEnum):
    """What happened on one calendar day, as a heatmap cell shows it."""

    NO_ROUND = 0
    MISSED = 1  # a round was posted and the member did not answer it
    LOW = 2  # answered, scoring under 40
    FAIR = 3  # 40–69
    GOOD = 4  # 70–89
    STRONG = 5  # 90 and up


def mark_for_score(score: int) -> DayMark:
    """The heatmap level of an answered round."""
    if score >= 90:
        return DayMark.STRONG
    if score >= 70:
        return DayMark.GOOD
    if score >= 40:
        return DayMark.FAIR
    return DayMark.LOW


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday that starts the heatmap: `weeks` columns, the last one this week."""
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


@dataclass(frozen=True)
class TopicCoverage:
    """How much of a topic's rubrics a member's answers covered (None: not answered yet)."""

    topic: str
    answers: int
    covered: float | None


@dataclass(frozen=True)
class Progress:
    """Everything the stats picture draws for one member in one channel."""

    today: date
    held: frozenset[date]
    best_scores: Mapping[date, int]
    current_streak: int
    longest_streak: int
    topics: tuple[TopicCoverage, ...]

    @property
    def first_day(self) -> date:
        """The first day the heatmap shows."""
        return heatmap_start(self.today)

    def mark(self, day: date) -> DayMark:
        """The heatmap level of one day."""
        if day in self.best_scores:
            return mark_for_score(self.best_scores[day])
        return DayMark.MISSED if day in self.held else DayMark.NO_ROUND

    @property
    def answered(self) -> int:
        """Rounds answered in the heatmap's weeks."""
        return sum(1 for day in self.best_scores if day >= self.first_day)

    @property
    def rounds(self) -> int:
        """Rounds posted in the heatmap's weeks (and days answered that have no posted round)."""
        shown = {day for day in self.held | set(self.best_scores) if day >= self.first_day}
        return len(shown)


def topic_coverage(
    topics: Iterable[str], answered: Iterable[tuple[Question, tuple[str, ...]]]
) -> tuple[TopicCoverage, ...]:
    """Per topic, the rubric weight covered over the weight asked, from (question, missed ids).

    Every topic in `topics` appears, answered or not, in the order given; topics only seen in
    answers follow.
    """
    asked: dict[str, int] = dict.fromkeys(topics, 0)
    covered: dict[str, int] = dict.fromkeys(asked, 0)
    counts: dict[str, int] = dict.fromkeys(asked, 0)
    for question, missed in answered:
        weight_missed = sum(c.weight for c in question.rubric if c.id in missed)
        asked[question.topic] = asked.get(question.topic, 0) + question.total_weight
        covered[question.topic] = covered.get(question.topic, 0) + (
            question.total_weight - weight_missed
        )
        counts[question.topic] = counts.get(question.topic, 0) + 1
    return tuple(
        TopicCoverage(topic, counts[topic], covered[topic] / total if total else None)
        for topic, total in asked.items()
    )
