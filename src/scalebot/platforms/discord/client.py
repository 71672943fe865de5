"""The discord.py client: default intents, no mentions, the /scale tree and answer routing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from scalebot.domain.clock import Clock, utc_now
from scalebot.domain.replies import error
from scalebot.locales import Message, _
from scalebot.platforms.discord.answering import (
    AnswerButton,
    answer_in_thread,
    form_round,
    submit_form,
)
from scalebot.platforms.discord.buckets import amortise_bucket_cleanup
from scalebot.platforms.discord.config import DiscordConfig, skip_voice_warnings
from scalebot.platforms.discord.handlers import build_scale_group
from scalebot.platforms.discord.identity import quick_reader
from scalebot.platforms.discord.interactions import CommandButton
from scalebot.platforms.discord.messenger import DiscordMessenger
from scalebot.platforms.discord.pacing import discord_pacer
from scalebot.platforms.discord.practice import (
    PracticeButton,
    form_question,
    submit_practice_form,
)
from scalebot.platforms.discord.render import render
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import RESTARTING, AppContext

log = logging.getLogger(__name__)
OOPS = _("Something went wrong on scalebot's side. Try again in a minute.")


def intents_for(config: DiscordConfig) -> discord.Intents:
    """Default intents; message content only when thread answers are switched on."""
    intents = discord.Intents.default()
    intents.message_content = config.thread_answers
    return intents


class ScaleTree(app_commands.CommandTree["ScaleClient"]):
    """The command tree; an unexpected error gets a private apology, never silence."""

    async def on_error(
        self, interaction: discord.Interaction[ScaleClient], error_: app_commands.AppCommandError
    ) -> None:
        """Log the error and tell the member that nothing was saved."""
        log.error("/scale command failed", exc_info=error_)
        await apologise(interaction)

    async def _call(self, interaction: discord.Interaction[ScaleClient]) -> None:
        """Run a command as work in flight: a shutdown finishes it or tells the member."""

        async def tell_restarting() -> None:
            await apologise(interaction, RESTARTING)

        inflight = interaction.client.ctx.inflight
        await inflight.run(super()._call(interaction), abandon=tell_restarting)


async def apologise(interaction: discord.Interaction[Any], text: Message = OOPS) -> None:
    """Tell the member privately that something failed on our side."""
    embed = render(error(quick_reader(interaction)(text))).embed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except Exception:  # the last resort must not raise (e.g. the session closed on shutdown)
        log.warning("could not tell the member that the command failed", exc_info=True)


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Make every gateway event parser drop an event it cannot parse instead of raising.

    discord.py lets a parser's exception close the connection, so one malformed event
    would stop the process (and, under `run all`, Slack with it).
    """
    for event, parse in parsers.items():
        parsers[event] = _dropping(event, parse)


def _dropping(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """The parser, logging and dropping an event that fails to parse."""

    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:  # the payload is never logged: it carries member text
            log.warning("dropped a %s event that failed to parse (%s)", event, type(exc).__name__)

    return guarded


class ScaleClient(discord.AutoShardedClient):
    """One Discord process: its shards, the /scale tree, and the services context."""

    def __init__(
        self,
        config: DiscordConfig,
        budgets: SharedBudgets,
        *,
        clock: Clock = utc_now,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """Build the client and its messenger; bind() gives it the context, login connects."""
        skip_voice_warnings()
        super().__init__(
            intents=intents_for(config),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=config.shard_count or 1,
            guild_ready_timeout=guild_ready_timeout,
            shard_ids=list(config.shard_ids),  # empty: every shard of shard_count
        )
        amortise_bucket_cleanup(self.http)
        self._ctx: AppContext | None = None
        self.config = config
        self.clock = clock
        guard_parsers(self._connection.parsers)
        self.tree = ScaleTree(self)
        self.tree.add_command(build_scale_group())
        self.add_dynamic_items(AnswerButton, PracticeButton, CommandButton)
        self.messenger = DiscordMessenger(self, discord_pacer(budgets))

    @property
    def ctx(self) -> AppContext:
        """The services context the handlers call (set once by bind())."""
        if self._ctx is None:
            raise RuntimeError("the Discord client is not bound to a context yet")
        return self._ctx

    def bind(self, ctx: AppContext) -> None:
        """Serve this context: commands, forms and thread answers call its services."""
        self._ctx = ctx

    async def on_interaction(self, interaction: discord.Interaction[ScaleClient]) -> None:
        """Route answer and practice form submits by custom_id (buttons route themselves)."""
        submit = _form_submit(interaction)
        if submit is None:
            return

        async def tell_restarting() -> None:
            await apologise(interaction, RESTARTING)

        await self.ctx.inflight.run(self._submit(interaction, submit), abandon=tell_restarting)

    async def _submit(
        self, interaction: discord.Interaction[ScaleClient], submit: Coroutine[Any, Any, None]
    ) -> None:
        """Grade and store a submitted form; an unexpected error gets an apology."""
        try:
            await submit
        except Exception:
            log.exception("form submit failed")
            await apologise(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """Grade replies in question threads when thread answers are switched on."""
        try:
            await answer_in_thread(self, message)
        except Exception:
            log.exception("thread answer %s failed", message.id)


def _form_submit(
    interaction: discord.Interaction[ScaleClient],
) -> Coroutine[Any, Any, None] | None:
    """The work of an answer- or practice-form submit, or None for any other interaction."""
    round_id = form_round(interaction)
    if round_id is not None:
        return submit_form(interaction, round_id)
    question_id = form_question(interaction)
    if question_id is not None:
        return submit_practice_form(interaction, question_id)
    return None
