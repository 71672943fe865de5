"""Interaction and gateway payloads shaped like the ones Discord sends."""

from __future__ import annotations

import itertools
from typing import Any

import discord

from tests.platforms.discord.fake_discord import APP_ID, CHANNEL_ID, GUILD_ID, user

ALICE_ID = 500000000000000001
BOB_ID = 500000000000000002
ADMIN_ID = 500000000000000003
COMMAND_ID = 600000000000000001
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
)
ADMIN_PERMISSIONS = discord.Permissions(
    MEMBER_PERMISSIONS.value | discord.Permissions(manage_guild=True).value
)
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
)
_ids = itertools.count(700000000000000001)
OPTION_TYPES = {str: 3, int: 4, bool: 5}


def member(user_id: int, name: str, permissions: discord.Permissions) -> dict[str, Any]:
    """A guild member as interactions carry it (permissions resolved for the channel)."""
    return {
        "user": user(user_id, name),
        "nick": None,
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions.value),
    }


def channel(channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """A text channel object."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "practice",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int = ALICE_ID,
    name: str = "Alice",
    permissions: discord.Permissions = MEMBER_PERMISSIONS,
    channel_id: int = CHANNEL_ID,
    message: dict[str, Any] | None = None,
    guild: bool = True,
    channel_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload."""
    interaction_id = next(_ids)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "token": f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str(BOT_PERMISSIONS.value),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel_id": str(channel_id),
    }
    if guild:
        payload |= {
            "guild_id": str(GUILD_ID),
            "guild_locale": "en-US",
            "channel": channel_data or channel(channel_id),
            "member": member(user_id, name, permissions),
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
        }
    else:
        payload |= {
            "channel": {"id": str(channel_id), "type": 1},
            "user": user(user_id, name),
            "context": 1,
        }
    if message is not None:
        payload["message"] = message
    return payload


def slash(*path: str, **options: Any) -> dict[str, Any]:
    """Application-command data for /scale <path…> with options."""
    leaf: list[dict[str, Any]] = [
        {"name": key, "type": OPTION_TYPES[type(value)], "value": value}
        for key, value in options.items()
    ]
    for depth, name in reversed(list(enumerate(path))):
        kind = 1 if depth == len(path) - 1 else 2
        leaf = [{"name": name, "type": kind, "options": leaf}]
    return {"id": str(COMMAND_ID), "name": "scale", "type": 1, "options": leaf}


def autocomplete(typed: str) -> dict[str, Any]:
    """Autocomplete data for the zone option of /scale admin setup."""
    options = [
        {"name": "time", "type": 3, "value": "09:00"},
        {"name": "zone", "type": 3, "value": typed, "focused": True},
    ]
    setup = {"name": "setup", "type": 1, "options": options}
    admin = {"name": "admin", "type": 2, "options": [setup]}
    return {"id": str(COMMAND_ID), "name": "scale", "type": 1, "options": [admin]}


def click(custom_id: str) -> dict[str, Any]:
    """Button-click data."""
    return {"custom_id": custom_id, "component_type": 2}


def form(custom_id: str, text: str) -> dict[str, Any]:
    """Modal-submit data with the answer typed in."""
    field = {"type": 4, "custom_id": "answer", "value": text}
    return {"custom_id": custom_id, "components": [{"type": 1, "components": [field]}]}


def guild(bot_permissions: discord.Permissions = BOT_PERMISSIONS) -> dict[str, Any]:
    """A GUILD_CREATE payload: one text channel, the bot as a member, @everyone's permissions."""
    from tests.platforms.discord.fake_discord import BOT_USER, OWNER_ID

    everyone = {
        "id": str(GUILD_ID),
        "name": "@everyone",
        "permissions": str(bot_permissions.value),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    bot_member = {
        "user": BOT_USER,
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    return {
        "id": str(GUILD_ID),
        "name": "Practice server",
        "owner_id": str(OWNER_ID),
        "unavailable": False,
        "member_count": 3,
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [channel()],
        "threads": [],
        "members": [bot_member],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "large": False,
    }


def thread_message(
    thread_id: int, text: str, *, user_id: int = ALICE_ID, name: str = "Alice"
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload: a member's reply in a thread."""
    return {
        "id": str(next(_ids)),
        "channel_id": str(thread_id),
        "guild_id": str(GUILD_ID),
        "type": 0,
        "content": text,
        "author": user(user_id, name),
        "member": {
            "roles": [],
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
        "attachments": [],
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": "2026-01-05T09:30:00+00:00",
        "edited_timestamp": None,
        "flags": 0,
        "components": [],
    }
