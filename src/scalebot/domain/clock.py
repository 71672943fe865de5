"""The one clock: a function returning an aware UTC datetime (tests inject their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


class SimulatedClock:
    """A clock moved forward by hand (the console's `/advance`)."""

    def __init__(self, start: datetime) -> None:
        """Start at an aware instant."""
        self.now = start

    def __call__(self) -> datetime:
        """Return the simulated now."""
        return self.now
