"""Streak rules: consecutive rounds of a channel, not calendar days."""

from __future__ import annotations

from dataclasses import dataclass

# One streak freeze is earned for every FREEZE_EVERY consecutive rounds answered; at most
# MAX_FREEZES are held. A missed round spends one instead of breaking the streak.
FREEZE_EVERY = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class StreakState:
    """What is stored per member and channel; reading it is O(1)."""

    current: int = 0
    longest: int = 0
    last_round_seq: int | None = None
    freezes: int = 0

    def after_answer(self, round_seq: int, *, freezes_on: bool = True) -> StreakState:
        """Return the state after an on-time answer to the round with this sequence number."""
        if self.last_round_seq is not None and round_seq <= self.last_round_seq:
            return self  # re-answering, or an older round: nothing changes
        continues = self.last_round_seq is not None and round_seq == self.last_round_seq + 1
        current = self.current + 1 if continues else 1
        freezes = self.freezes
        if freezes_on and current % FREEZE_EVERY == 0:
            freezes = min(MAX_FREEZES, freezes + 1)
        return StreakState(current, max(self.longest, current), round_seq, freezes)

    def after_missed(self, open_round_seq: int, *, freezes_on: bool) -> tuple[StreakState, bool]:
        """The state once the round before `open_round_seq` closed; True when a freeze was spent.

        Repository.break_missed_streaks applies the same rule to a whole channel in SQL.
        """
        last = self.last_round_seq
        if self.current == 0 or last is None or last >= open_round_seq - 1:
            return self, False
        if freezes_on and self.freezes > 0:
            kept = StreakState(self.current, self.longest, open_round_seq - 1, self.freezes - 1)
            return kept, True
        return StreakState(0, self.longest, last, self.freezes), False

    def effective(self, open_round_seq: int | None) -> int:
        """Current streak as seen now: a missed round breaks it only once that round closed.

        The channel's open round is the latest one; every earlier round is closed. The
        streak is alive when the member answered the open round or the one before it.
        """
        if self.last_round_seq is None or open_round_seq is None:
            return 0
        return self.current if self.last_round_seq >= open_round_seq - 1 else 0

    def corrected(self, count: int, open_round_seq: int) -> StreakState:
        """The state after an admin sets the streak to `count` while `open_round_seq` is open.

        A corrected streak is alive: answering the open round extends it (unless already done).
        """
        if count == 0:
            return StreakState(0, self.longest, self.last_round_seq, self.freezes)
        last = max(self.last_round_seq or 0, open_round_seq - 1)
        return StreakState(count, max(self.longest, count), last, self.freezes)

    def undo(self, before: StreakState, after: StreakState) -> StreakState:
        """Revert a correction from `before` to `after`, keeping what happened since.

        Unchanged since the correction: exactly `before`. Otherwise the correction's difference
        is taken back from the streak as it is now, and from the longest streak when that is
        the corrected streak itself (still running, or never passed since).
        """
        if self == after:
            return before
        current = max(0, self.current - (after.current - before.current))
        built_on_it = self.longest == self.current and self.current >= after.current
        longest = self.longest
        if self.longest == after.longest or built_on_it:
            longest = max(before.longest, current)
        return StreakState(current, longest, self.last_round_seq, self.freezes)
