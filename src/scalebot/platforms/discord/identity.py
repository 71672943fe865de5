"""Who ran a command where: neutral refs for members and channels, and who is an admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import discord

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.locales import Language, Translator, language_of_locale, translator
from scalebot.services.commands import Invocation

PLATFORM = "discord"
Interaction: TypeAlias = discord.Interaction[discord.Client]


def channel_ref(guild_id: int | None, channel: object, channel_id: int | None) -> ChannelRef | None:
    """The enrolled channel a command or message belongs to; a thread counts as its parent."""
    if guild_id is None or channel_id is None:
        return None
    if isinstance(channel, discord.Thread) and channel.parent_id:
        channel_id = channel.parent_id
    return ChannelRef(PLATFORM, str(guild_id), str(channel_id))


def user_ref(guild_id: int, user: discord.abc.User, locale: str | None = None) -> UserRef:
    """A member as services see them, named as the server shows them (and their app language)."""
    return UserRef(PLATFORM, str(guild_id), str(user.id), user.display_name, locale)


def interaction_locale(interaction: discord.Interaction[Any]) -> str | None:
    """The member's app language as the interaction carries it ('zh-CN', 'en-US')."""
    locale = getattr(interaction, "locale", None)
    return str(locale.value) if isinstance(locale, discord.Locale) else None


def quick_reader(interaction: discord.Interaction[Any]) -> Translator:
    """A translator from the interaction's locale alone, for replies that cannot wait on a read."""
    fallback = Language.EN
    client = interaction.client
    ctx = getattr(client, "ctx", None)
    if ctx is not None:
        fallback = ctx.language
    return translator(language_of_locale(interaction_locale(interaction)) or fallback)


def is_admin(interaction: Interaction, admin_ids: frozenset[str]) -> bool:
    """Manage Server (or Administrator) in this channel, or listed in SCALEBOT_ADMIN_IDS."""
    permissions = interaction.permissions
    listed = str(interaction.user.id) in admin_ids
    return listed or permissions.administrator or permissions.manage_guild


def invocation(
    interaction: Interaction, admin_ids: frozenset[str], now: datetime
) -> Invocation | None:
    """Who ran a command where, or None outside a server."""
    channel = channel_ref(interaction.guild_id, interaction.channel, interaction.channel_id)
    if channel is None or interaction.guild_id is None:
        return None
    user = user_ref(interaction.guild_id, interaction.user, interaction_locale(interaction))
    return Invocation(channel, user, is_admin(interaction, admin_ids), now)
