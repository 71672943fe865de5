"""From an interaction to neutral refs, and from a Reply back to the member."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import discord

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply, error, info
from scalebot.platforms.discord.render import render
from scalebot.services.commands import Invocation

if TYPE_CHECKING:
    from scalebot.platforms.discord.client import ScaleClient

log = logging.getLogger(__name__)
PLATFORM = "discord"
Interaction: TypeAlias = discord.Interaction[discord.Client]
SERVER_ONLY = "Use /scale in a server channel: it works per channel, not in direct messages."
POSTED = "Posted to the channel."


def client_of(interaction: Interaction) -> ScaleClient:
    """The scalebot client that received an interaction."""
    from scalebot.platforms.discord.client import ScaleClient

    client = interaction.client
    if not isinstance(client, ScaleClient):
        raise TypeError("interaction did not come through a ScaleClient")
    return client


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


async def defer(interaction: Interaction) -> None:
    """Acknowledge privately at once; the real answer follows."""
    await interaction.response.defer(ephemeral=True, thinking=True)


async def begin(interaction: Interaction) -> tuple[ScaleClient, Invocation] | None:
    """Defer privately and tell who ran what where; outside a server, say so and stop."""
    await defer(interaction)
    client = client_of(interaction)
    invoked = invocation(interaction, client.config.admin_ids, client.clock())
    if invoked is None:
        await send_server_only(interaction)
        return None
    return client, invoked


async def send_reply(interaction: Interaction, reply: Reply, **extra: Any) -> None:
    """Send a reply after defer(): privately, or in the channel for a public reply."""
    rendered = render(reply)
    if reply.private:
        await interaction.followup.send(ephemeral=True, **rendered.send_kwargs(), **extra)
        return
    await interaction.followup.send(ephemeral=True, embed=render(info(POSTED)).embed)
    await interaction.followup.send(**rendered.send_kwargs(), **extra)


async def send_server_only(interaction: Interaction) -> None:
    """Tell a member that /scale needs a server channel."""
    await interaction.followup.send(ephemeral=True, embed=render(error(SERVER_ONLY)).embed)
