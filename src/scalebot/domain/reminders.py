"""Reminder rules: whose streak is worth a nudge."""

from __future__ import annotations

from dataclasses import dataclass

# A nudge goes to members whose live streak is at least this long.
MIN_STREAK = 3


@dataclass(frozen=True)
class Nudged:
    """A member claimed for a nudge: their platform id, stored language and streak."""

    external_id: str
    language: str | None
    streak: int
