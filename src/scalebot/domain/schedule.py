"""Channel schedules: post time, days and IANA time zone, parsed with clear errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scalebot.locales import Message, Text, _

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ValueError):
    """A schedule value a user typed is not valid; the message says what to type instead."""

    def __init__(self, message: Text) -> None:
        """Keep the (lazy) message, translated where the reply is built."""
        super().__init__(message)
        self.message = message


class Days(StrEnum):
    """Which days a channel gets a round."""

    DAILY = "daily"
    WEEKDAYS = "weekdays"

    def includes(self, day: date) -> bool:
        """Tell whether a local date is a round day."""
        return self is Days.DAILY or day.weekday() < 5


def parse_time(text: str) -> time:
    """Parse 24-hour HH:MM."""
    match = _TIME.match(text.strip())
    if not match:
        raise ScheduleError(
            _("'{text}' is not a time: use 24-hour HH:MM, for example 09:00.", text=text)
        )
    return time(int(match.group(1)), int(match.group(2)))


@cache
def _zone_spellings() -> dict[str, str]:
    """Every IANA zone name by its lower-case spelling: 'utc' and 'europe/berlin' work too."""
    return {zone.lower(): zone for zone in available_timezones()}


def parse_zone(name: str) -> ZoneInfo:
    """Parse an IANA time zone name."""
    cleaned = name.strip()
    if not cleaned or cleaned.startswith(("/", ".")) or ".." in cleaned:
        raise ScheduleError(
            _("'{name}' is not a time zone: use an IANA name like Europe/Berlin.", name=name)
        )
    try:
        return ZoneInfo(_zone_spellings().get(cleaned.lower(), cleaned))
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # OSError: a tzdata folder (Europe) or an over-long name.
        raise ScheduleError(
            _("'{name}' is not a time zone: use an IANA name like Europe/Berlin or UTC.", name=name)
        ) from exc


def parse_days(text: str) -> Days:
    """Parse 'daily' or 'weekdays'."""
    try:
        return Days(text.strip().lower())
    except ValueError as exc:
        raise ScheduleError(
            _("'{text}' is not a schedule: use daily or weekdays.", text=text)
        ) from exc


@dataclass(frozen=True)
class Schedule:
    """When a channel gets its round, in its own time zone."""

    post_time: time
    days: Days
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        """The channel's zone."""
        return ZoneInfo(self.timezone)

    def local_date(self, now: datetime) -> date:
        """Return the channel's local date at an aware instant."""
        return now.astimezone(self.zone).date()

    def post_instant(self, day: date) -> datetime:
        """Return the aware instant of the post on a local date."""
        return datetime.combine(day, self.post_time, tzinfo=self.zone)

    def next_post_after(self, moment: datetime) -> datetime:
        """The first post instant after `moment` (a weekday schedule skips the weekend)."""
        day = self.local_date(moment)
        while not (self.days.includes(day) and self.post_instant(day) > moment):
            day += timedelta(days=1)
        return self.post_instant(day)

    def is_due(self, now: datetime) -> bool:
        """Tell whether today's round should already be out at this instant."""
        today = self.local_date(now)
        return self.days.includes(today) and now >= self.post_instant(today)

    def describe(self) -> Message:
        """Human summary, e.g. '09:00 Europe/Berlin, weekdays'."""
        at = f"{self.post_time:%H:%M}"
        if self.days is Days.WEEKDAYS:
            return _("{time} {zone}, weekdays", time=at, zone=self.timezone)
        return _("{time} {zone}, daily", time=at, zone=self.timezone)
