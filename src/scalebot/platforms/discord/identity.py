"""Who ran a command where: neutral refs for members and channels, and who is an admin."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import discord

from scalebot.domain.refs import ChannelRef, UserRef
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


def user_ref(guild_id: int, user: discord.abc.User) -> UserRef:
    """A member as services see them, named as the server shows them."""
    return UserRef(PLATFORM, str(guild_id), str(user.id), user.display_name)


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
    user = user_ref(interaction.guild_id, interaction.user)
    return Invocation(channel, user, is_admin(interaction, admin_ids), now)
