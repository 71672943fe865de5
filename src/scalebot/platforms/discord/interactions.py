"""Interaction plumbing: defer at once, resolve who ran what where, reply privately."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scalebot.domain.replies import Reply, error, info
from scalebot.platforms.discord.identity import Interaction, invocation
from scalebot.platforms.discord.render import render
from scalebot.services.commands import Invocation

if TYPE_CHECKING:
    from scalebot.platforms.discord.client import ScaleClient

log = logging.getLogger(__name__)
SERVER_ONLY = "Use /scale in a server channel: it works per channel, not in direct messages."
POSTED = "Posted to the channel."


def client_of(interaction: Interaction) -> ScaleClient:
    """The scalebot client that received an interaction."""
    from scalebot.platforms.discord.client import ScaleClient

    client = interaction.client
    if not isinstance(client, ScaleClient):
        raise TypeError("interaction did not come through a ScaleClient")
    return client


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
