"""The role or user group a channel's daily post pings: which text names one, and which not."""

from __future__ import annotations

import re
from enum import StrEnum

# Slack sends a user group picked from its @ suggestions as <!subteam^S0123ABC|@name>.
_SLACK_GROUP = re.compile(r"^<!subteam\^(S[A-Z0-9]{2,30})(?:\|[^>]*)?>$")
# Discord writes a role mention as <@&123…>; the @everyone role's id is the server's own.
_DISCORD_ROLE = re.compile(r"^<@&(\d{15,22})>$")
# The console has no roles: any short @name stands for one.
_CONSOLE_ROLE = re.compile(r"^@([\w.-]{1,40})$")
_MEMBER = re.compile(r"^<@!?[\w.-]+(?:\|[^>]*)?>$")
_EVERYONE = re.compile(r"^(?:@|<!)(?:everyone|here|channel)(?:\|[^>]*)?>?$", re.IGNORECASE)


class PingProblem(StrEnum):
    """Why a text cannot be a channel's ping."""

    EVERYONE = "everyone"  # @everyone, @here, @channel: never
    MEMBER = "member"  # a member's mention, not a role or group
    NOT_A_GROUP = "not-a-group"  # anything else


def parse_ping(platform: str, text: str, *, workspace_id: str) -> str | PingProblem:
    """The id a post's ping names (a Slack user group, a Discord role), or why there is none."""
    word = text.strip()
    if _EVERYONE.match(word):
        return PingProblem.EVERYONE
    pattern = {"slack": _SLACK_GROUP, "discord": _DISCORD_ROLE}.get(platform, _CONSOLE_ROLE)
    found = pattern.match(word)
    if found is not None:
        if platform == "discord" and found.group(1) == workspace_id:
            return PingProblem.EVERYONE  # the server's @everyone role
        return found.group(1)
    if _MEMBER.match(word):
        return PingProblem.MEMBER
    return PingProblem.NOT_A_GROUP
