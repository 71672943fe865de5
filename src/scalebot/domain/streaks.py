"""Streak rules: consecutive rounds of a channel, not calendar days."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreakState:
    """What is stored per member and channel; reading it is O(1)."""

    current: int = 0
    longest: int = 0
    last_round_seq: int | None = None

    def after_answer(self, round_seq: int) -> StreakState:
        """Return the state after an on-time answer to the round with this sequence number."""
        if self.last_round_seq is not None and round_seq <= self.last_round_seq:
            return self  # re-answering, or an older round: nothing changes
        continues = self.last_round_seq is not None and round_seq == self.last_round_seq + 1
        current = self.current + 1 if continues else 1
        return StreakState(current, max(self.longest, current), round_seq)

    def effective(self, open_round_seq: int | None) -> int:
        """Current streak as seen now: a missed round breaks it only once that round closed.

        The channel's open round is the latest one; every earlier round is closed. The
        streak is alive when the member answered the open round or the one before it.
        """
        if self.last_round_seq is None or open_round_seq is None:
            return 0
        return self.current if self.last_round_seq >= open_round_seq - 1 else 0
