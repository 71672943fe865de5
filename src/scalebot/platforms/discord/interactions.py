"""Interaction plumbing: defer at once, resolve who ran what where, reply privately."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ParamSpec

import discord

from scalebot.domain.replies import Action, Reply, error, info
from scalebot.locales import _
from scalebot.platforms.discord.identity import Interaction, invocation, quick_reader
from scalebot.platforms.discord.render import render
from scalebot.services import languages
from scalebot.services.commands import BUTTONS, Command, Invocation, invoke
from scalebot.services.context import RESTARTING

if TYPE_CHECKING:
    from scalebot.platforms.discord.client import ScaleClient

log = logging.getLogger(__name__)
P = ParamSpec("P")
SERVER_ONLY = _("Use /scale in a server channel: it works per channel, not in direct messages.")
POSTED = _("Posted to the channel.")
COMMAND_ID = re.compile(r"scalebot:run:(?P<command>[a-z-]{1,40}(?: [a-z-]{1,40}){0,3})")
BUTTON_LABEL_CHARS = 80
UNKNOWN_BUTTON = _("This button is out of date: type the command instead (/scale help lists them).")


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


async def run(
    interaction: Interaction, command: Command[P], /, *args: P.args, **kwargs: P.kwargs
) -> None:
    """Defer privately, run one command with the interaction's typed options, send its reply."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    await send_reply(interaction, await invoke(client.ctx, invoked, command, *args, **kwargs))


async def send_reply(interaction: Interaction, reply: Reply, **extra: Any) -> None:
    """Send a reply after defer(): privately, or in the channel for a public reply."""
    rendered = render(reply)
    if reply.actions and "view" not in extra:
        extra["view"] = command_view(reply.actions)
    if reply.private:
        await interaction.followup.send(ephemeral=True, **rendered.send_kwargs(), **extra)
        return
    posted = info(quick_reader(interaction)(POSTED))
    await interaction.followup.send(ephemeral=True, embed=render(posted).embed)
    await interaction.followup.send(**rendered.send_kwargs(), **extra)


async def send_server_only(interaction: Interaction) -> None:
    """Tell a member that /scale needs a server channel."""
    refusal = error(quick_reader(interaction)(SERVER_ONLY))
    await interaction.followup.send(ephemeral=True, embed=render(refusal).embed)


class CommandButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=COMMAND_ID,
):
    """A button that runs a /scale command (the forget-me confirmation); it outlives restarts."""

    def __init__(self, action: Action) -> None:
        """A button for one action; the custom_id carries its command."""
        style = discord.ButtonStyle.danger if action.danger else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=action.label[:BUTTON_LABEL_CHARS],
                style=style,
                custom_id=f"scalebot:run:{action.command}",
            )
        )
        self.command = action.command

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> CommandButton:
        """Rebuild the button from a click on any earlier reply."""
        return cls(Action(label="", command=match["command"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the command as the member who pressed it; the reply replaces the button's."""
        await interaction.response.defer()  # a component's defer updates the message later

        async def tell_restarting() -> None:
            await interaction.edit_original_response(
                embed=render(error(quick_reader(interaction)(RESTARTING))).embed, view=None
            )

        ctx = client_of(interaction).ctx
        await ctx.inflight.run(self._run(interaction), abandon=tell_restarting)

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        """Run the command and show its reply in place of the message that held the button."""
        client = client_of(interaction)
        invoked = invocation(interaction, client.config.admin_ids, client.clock())
        if invoked is None:
            reply = error(quick_reader(interaction)(UNKNOWN_BUTTON))
        elif self.command not in BUTTONS:
            t = await languages.reader(client.ctx, channel=invoked.channel, user=invoked.user)
            reply = error(t(UNKNOWN_BUTTON))
        else:
            reply = await BUTTONS[self.command](client.ctx, invoked)
        await interaction.edit_original_response(embed=render(reply).embed, view=None)


def command_view(actions: Sequence[Action]) -> discord.ui.View:
    """A view with one button per action of a reply."""
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(CommandButton(action))
    return view
