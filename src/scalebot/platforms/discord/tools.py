"""One-off admin tasks: sync the /scale commands, and build the invite URL."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from scalebot.platforms.discord.config import (
    BOT_PERMISSIONS,
    DiscordConfig,
    log_in,
    skip_voice_warnings,
)
from scalebot.platforms.discord.handlers import build_scale_group
from scalebot.platforms.discord.translation import CatalogTranslator

SCOPES = ("bot", "applications.commands")


@dataclass(frozen=True)
class SyncResult:
    """What Discord now has registered."""

    names: tuple[str, ...]
    subcommands: int
    guild_id: int | None


def count_subcommands(group: app_commands.Group) -> int:
    """Count the leaf commands under a group."""
    return sum(
        count_subcommands(child) if isinstance(child, app_commands.Group) else 1
        for child in group.commands
    )


async def _login(config: DiscordConfig) -> discord.Client:
    """A REST-only client logged in with the bot token (no gateway)."""
    skip_voice_warnings()
    client = discord.Client(intents=discord.Intents.default())
    try:
        await log_in(client, config)
    except BaseException:
        await client.close()
        raise
    return client


async def sync_commands(config: DiscordConfig, *, guild_id: int | None = None) -> SyncResult:
    """Register /scale globally, or in one server (instant there, handy for testing)."""
    client = await _login(config)
    try:
        tree = app_commands.CommandTree(client)
        # Uploads each description's Chinese as description_localizations (zh-CN, zh-TW).
        await tree.set_translator(CatalogTranslator())
        group = build_scale_group()
        tree.add_command(group)
        guild = discord.Object(guild_id) if guild_id is not None else None
        if guild is not None:
            tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
    finally:
        await client.close()
    return SyncResult(tuple(c.name for c in synced), count_subcommands(group), guild_id)


async def invite_url(config: DiscordConfig) -> str:
    """The URL that adds the bot to a server with the permissions it needs."""
    client = await _login(config)
    try:
        application_id = client.application_id
    finally:
        await client.close()
    assert application_id is not None, "login reads the application"
    return discord.utils.oauth_url(application_id, permissions=BOT_PERMISSIONS, scopes=SCOPES)
