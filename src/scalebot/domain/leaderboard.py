"""Leaderboard rules: the points periods and how tied rows share a rank."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

# The one "period" that every on-time answer of a channel adds to.
ALL_TIME_START = date(1970, 1, 1)


class Period(StrEnum):
    """A points board: this calendar week (from Monday), this calendar month, or all time."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"
    # An admin's season: its totals start on the day it began (the channel keeps that date).
    SEASON = "season"

    def start(self, local_date: date) -> date:
        """First local date of the calendar period that contains `local_date` (not a season)."""
        if self is Period.WEEK:
            return local_date - timedelta(days=local_date.weekday())
        if self is Period.MONTH:
            return local_date.replace(day=1)
        return ALL_TIME_START

    @property
    def label(self) -> str:
        """Words for the period in a board's title."""
        labels = {"week": "this week", "month": "this month", "all": "all time"}
        return labels.get(self.value, "this season")


# The calendar periods every on-time answer adds to (a season only while one runs).
WINDOWS = (Period.WEEK, Period.MONTH, Period.ALL)


def shared_ranks(keys: list[tuple[int, int]], first_rank: int = 1) -> list[int]:
    """Number ordered rows from `first_rank`; rows with equal keys share the first one's rank."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        if index and key == keys[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(first_rank + index)
    return ranks
