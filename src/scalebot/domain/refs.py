"""Platform-neutral references to channels and users."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChannelRef:
    """A channel on a platform, e.g. ('slack', team id, channel id)."""

    platform: str
    workspace_id: str
    channel_id: str


@dataclass(frozen=True)
class UserRef:
    """A member on some platform, with the name to show."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    # The member's app language as the platform reports it ('zh-CN'), when it does.
    locale: str | None = field(default=None, compare=False)
