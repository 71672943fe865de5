"""Schedules parse with clear errors; streak rules count rounds, not days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from scalebot.domain.schedule import (
    Days,
    Schedule,
    ScheduleError,
    parse_days,
    parse_time,
    parse_zone,
)
from scalebot.domain.streaks import StreakState


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5))])
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "nine", "", "09:00:00"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ScheduleError, match="HH:MM"):
        parse_time(text)


@pytest.mark.parametrize(
    "text", ["Nowhere/City", "", "/etc/passwd", "../UTC", "Europe/", "Europe", "x" * 300]
)
def test_parse_zone_rejects(text: str) -> None:
    with pytest.raises(ScheduleError, match="IANA"):
        parse_zone(text)


def test_parse_zone_and_days() -> None:
    assert parse_zone(" Europe/Berlin ").key == "Europe/Berlin"
    assert parse_days("Weekdays") is Days.WEEKDAYS
    with pytest.raises(ScheduleError, match="daily or weekdays"):
        parse_days("weekly")


def test_is_due_uses_local_time_and_days() -> None:
    schedule = Schedule(time(9), Days.WEEKDAYS, "America/New_York")
    monday_8_local = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    monday_10_local = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    saturday_10_local = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    assert not schedule.is_due(monday_8_local)
    assert schedule.is_due(monday_10_local)
    assert not schedule.is_due(saturday_10_local)
    assert schedule.local_date(datetime(2026, 3, 3, 2, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_streak_grows_on_consecutive_rounds_and_restarts_after_a_gap() -> None:
    state = StreakState().after_answer(1).after_answer(2).after_answer(3)
    assert (state.current, state.longest) == (3, 3)
    state = state.after_answer(5)
    assert (state.current, state.longest, state.last_round_seq) == (1, 3, 5)


def test_re_answering_or_an_older_round_changes_nothing() -> None:
    state = StreakState().after_answer(4)
    assert state.after_answer(4) is state
    assert state.after_answer(2) is state


def test_effective_streak_breaks_only_after_the_missed_round_closed() -> None:
    state = StreakState(current=3, longest=3, last_round_seq=7)
    assert state.effective(open_round_seq=7) == 3  # answered the open round
    assert state.effective(open_round_seq=8) == 3  # round 8 still open
    assert state.effective(open_round_seq=9) == 0  # round 8 closed unanswered
    assert StreakState().effective(open_round_seq=3) == 0
