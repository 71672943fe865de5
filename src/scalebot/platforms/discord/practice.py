"""Personal practice on Discord: `/scale practice`, its Answer button, and the practice form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping
from typing import Any

import discord
from discord import app_commands

from scalebot.locales import Translator, _
from scalebot.platforms.discord.answering import FormButton, submit_text_form, text_form
from scalebot.platforms.discord.identity import Interaction
from scalebot.platforms.discord.interactions import begin, client_of, send_reply
from scalebot.platforms.discord.translation import described
from scalebot.services import languages, practice
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, HasReply, reply_of

# Question ids are slugs of up to 64 characters: a custom_id holds at most 100.
BUTTON_ID = re.compile(r"scalebot:practice:(?P<key>[a-z0-9-]{1,64})")
FORM_ID = re.compile(r"scalebot:practice-form:(?P<question>[a-z0-9-]{1,64})")


class PracticeButton(FormButton, template=BUTTON_ID):
    """A practice question's Answer button: it opens the practice form for its question."""

    prefix = "scalebot:practice"

    @property
    def question_id(self) -> str:
        """The question the button was served with."""
        return self.key

    def form(self, t: Translator) -> discord.ui.Modal:
        """The practice form for the button's question."""
        return practice_form(self.question_id, t)


def practice_view(question_id: str, t: Translator) -> discord.ui.View:
    """A view holding the Answer button of one practice question."""
    view = discord.ui.View(timeout=None)
    view.add_item(PracticeButton(question_id, t))
    return view


def practice_form(question_id: str, t: Translator) -> discord.ui.Modal:
    """The practice form: the answer form's paragraph, under its own custom_id."""
    return text_form(
        title=t(_("Practice: how would you scale it?")),
        custom_id=f"scalebot:practice-form:{question_id}",
        label=t(_("Your answer (practice: no streak or points)")),
    )


async def _reader(interaction: Interaction, invoked: Invocation) -> Translator:
    """The member's translator: their choice, else their Discord locale, else the channel's."""
    client = client_of(interaction)
    # invoked.user carries the interaction's locale (identity.invocation).
    return await languages.reader(client.ctx, channel=invoked.channel, user=invoked.user)


def form_question(interaction: discord.Interaction[Any]) -> str | None:
    """The question a practice-form submit is for, or None if it is not one."""
    data: Mapping[str, Any] = interaction.data or {}
    match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return None
    return match["question"]


async def submit_practice_form(interaction: Interaction, question_id: str) -> None:
    """Grade a practice-form submit: an answer to the question it was opened for."""

    def use(ctx: AppContext, invoked: Invocation, text: str, t: Translator) -> Awaitable[HasReply]:
        return practice.submit_practice(
            ctx, user=invoked.user, text=text, now=invoked.now, question_id=question_id, t=t
        )

    await submit_text_form(interaction, use)


async def practice_command(
    interaction: Interaction, answer: str | None = None, skip: bool = False
) -> None:
    """Serve a practice question privately with its Answer button, or grade `answer` to it."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    t = await _reader(interaction, invoked)
    if answer is not None:
        outcome = practice.submit_practice(
            client.ctx, user=invoked.user, text=answer, now=invoked.now, t=t
        )
        await send_reply(interaction, await reply_of(outcome, t))
        return
    view = await practice.serve_practice(
        client.ctx, user=invoked.user, now=invoked.now, skip=skip, t=t
    )
    if view.question_id is None:
        await send_reply(interaction, view.reply)
        return
    await send_reply(interaction, view.reply, view=practice_view(view.question_id, t))


def practice_subcommand() -> app_commands.Command[Any, ..., None]:
    """`/scale practice [answer] [skip]`."""
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name="practice",
        description=described(
            _("A question just for you, from what you score lowest on (no streak or points)")
        ),
        callback=practice_command,
    )
    app_commands.describe(
        answer=described(
            _("Answer your open practice question in one go (or use the Answer button)")
        ),
        skip=described(_("Serve another question instead of the one you have open")),
    )(command)
    return command
