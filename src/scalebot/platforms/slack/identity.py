"""Who is talking: a member's display name and whether they administer the workspace."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.domain.refs import UserRef

log = logging.getLogger(__name__)
PLATFORM = "slack"
MAX_USER_PAGES = 20


@dataclass(frozen=True)
class Member:
    """A Slack member as the services need them."""

    ref: UserRef
    is_admin: bool


def display_name(user: dict[str, Any]) -> str:
    """The name Slack shows: profile display name, then real name, then the handle."""
    profile = user.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:120]
    return str(user.get("id", "someone"))


def is_workspace_admin(user: dict[str, Any]) -> bool:
    """Tell whether users.info marks the member as an admin or owner."""
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def identify(
    client: AsyncWebClient, *, team_id: str, user_id: str, admin_ids: Collection[str]
) -> Member:
    """Look the member up with users.info; on failure, only SCALEBOT_ADMIN_IDS make an admin."""
    configured = user_id in admin_ids
    try:
        # The same call tells the member's app language (their replies' default).
        response = await client.users_info(user=user_id, include_locale=True)
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return Member(UserRef(PLATFORM, team_id, user_id, user_id), configured)
    user = response.get("user") or {}
    locale = user.get("locale")
    ref = UserRef(
        PLATFORM,
        team_id,
        user_id,
        display_name(user),
        locale=locale if isinstance(locale, str) else None,
    )
    return Member(ref, configured or is_workspace_admin(user))


async def workspace_admins(client: AsyncWebClient) -> list[str]:
    """Ids of the workspace's human admins and owners, from users.list."""
    admins: list[str] = []
    cursor: str | None = None
    for _ in range(MAX_USER_PAGES):
        response = await client.users_list(limit=200, cursor=cursor)
        for user in response.get("members") or []:
            if user.get("deleted") or user.get("is_bot"):
                continue
            if is_workspace_admin(user):
                admins.append(str(user["id"]))
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            break
    return admins
