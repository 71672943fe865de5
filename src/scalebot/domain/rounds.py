"""Round delivery and channel states: the words the services and the database share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class RoundStatus(StrEnum):
    """Where a round's post stands: claimed → sending → posted | failed | unknown, then closed."""

    CLAIMED = "claimed"  # the row is ours; nothing was sent yet
    SENDING = "sending"  # the request to the platform may be on its way
    POSTED = "posted"  # the platform confirmed the message (its id is stored)
    FAILED = "failed"  # the platform refused it; nothing is visible
    UNKNOWN = "unknown"  # sent, but no answer came back: ask the platform before re-sending
    CLOSED = "closed"  # the next round was posted; late answers still get feedback


class ChannelState(StrEnum):
    """Whether scheduled rounds go to an enrolled channel."""

    ACTIVE = "active"
    PAUSED = "paused"


class PostStatus(StrEnum):
    """How one attempt to post a channel's round ended."""

    POSTED = "posted"
    EXISTS = "exists"
    PENDING = "pending"  # sent or being sent elsewhere; a watchdog settles the outcome
    PAUSED = "paused"
    MISSING = "missing"
    FAILED = "failed"
    NOT_DUE = "not-due"
    SKIPPED = "skipped"  # an admin skipped the channel's local date


# States a watchdog settles once their lease ran out (a failed round: its retry time came).
UNSETTLED = (RoundStatus.CLAIMED, RoundStatus.SENDING, RoundStatus.UNKNOWN)
RETRYABLE = (*UNSETTLED, RoundStatus.FAILED)


def may_claim(status: str, lease_until: datetime | None, now: datetime, *, manual: bool) -> bool:
    """Tell whether a round row may be claimed now: its lease ran out, or it failed and an
    admin asks by hand. Posted and closed rounds never are."""
    if status not in RETRYABLE:
        return False
    if lease_until is None or lease_until <= now:
        return True
    return manual and status == RoundStatus.FAILED


@dataclass(frozen=True)
class RoundSummary:
    """What happened in a closed round."""

    seq: int
    answers: int
    average_score: float | None
    most_missed: str | None
    most_missed_share: float
