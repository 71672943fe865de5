"""Round delivery and channel states: the words the services and the database share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
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
    PAUSED = "paused"
    MISSING = "missing"
    FAILED = "failed"
    NOT_DUE = "not-due"


# A claim this old that never reached "posted" belongs to a process that died mid-post.
STALE_CLAIM = timedelta(minutes=10)


def may_retake(status: str, claimed_at: datetime, now: datetime) -> bool:
    """Tell whether a round may be claimed again: it failed, or its claim went stale."""
    if status == RoundStatus.FAILED:
        return True
    return status == RoundStatus.CLAIMED and now - claimed_at > STALE_CLAIM


@dataclass(frozen=True)
class RoundSummary:
    """What happened in a closed round."""

    seq: int
    answers: int
    average_score: float | None
    most_missed: str | None
    most_missed_share: float
