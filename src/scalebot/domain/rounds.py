"""Round delivery and channel states: the words the services and the database share."""

from __future__ import annotations

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
