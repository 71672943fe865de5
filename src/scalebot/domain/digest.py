"""Weekly digest rules: which weeks it compares, and who improved the most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Most improved: at least this many on-time answers in each of the two weeks compared.
MIN_IMPROVED_ANSWERS = 2
TOP_STREAKS = 3


@dataclass(frozen=True)
class DigestWeeks:
    """The digest posted in the week starting `current` covers `last`; `before` is compared."""

    current: date

    @property
    def last(self) -> date:
        """Monday of the week the digest is about."""
        return self.current - timedelta(days=7)

    @property
    def before(self) -> date:
        """Monday of the week before that one (for most improved)."""
        return self.current - timedelta(days=14)

    @property
    def last_sunday(self) -> date:
        """The last day of the week the digest is about."""
        return self.current - timedelta(days=1)


def week_start(day: date) -> date:
    """The Monday of a local date's week (as the week board counts)."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekAverage:
    """A member's on-time answers in one week: how many and their average score."""

    member: int
    name: str
    answers: int
    average: float


@dataclass(frozen=True)
class HardRound:
    """A round's on-time answers: how many, and their average score."""

    round_id: int
    question_id: str
    round_date: date
    answers: int
    average: float


@dataclass(frozen=True)
class Improvement:
    """A member's average score in the week before and last week."""

    name: str
    before: float
    after: float

    @property
    def rise(self) -> float:
        """How many points the average rose."""
        return self.after - self.before


def most_improved(
    before: list[WeekAverage], after: list[WeekAverage], *, min_answers: int = MIN_IMPROVED_ANSWERS
) -> Improvement | None:
    """The biggest rise in average score from one week to the next, or None when nobody rose.

    Only members with at least `min_answers` answers in both weeks count; a tie goes to the
    higher average last week, then to the member who joined first (the lower id).
    """
    earlier = {row.member: row for row in before if row.answers >= min_answers}
    candidates = [
        (row.average - earlier[row.member].average, row.average, -row.member, row)
        for row in after
        if row.answers >= min_answers and row.member in earlier
    ]
    rising = [candidate for candidate in candidates if candidate[0] > 0]
    if not rising:
        return None
    _rise, _average, _member, best = max(rising, key=lambda c: (c[0], c[1], c[2]))
    return Improvement(best.name, earlier[best.member].average, best.average)
