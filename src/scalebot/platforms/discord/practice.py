"""Personal practice on Discord: `/scale practice`, its Answer button, and the practice form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from scalebot.locales import ENGLISH, _
from scalebot.platforms.discord.answering import submitted_text, text_form
from scalebot.platforms.discord.identity import Interaction
from scalebot.platforms.discord.interactions import begin, send_reply
from scalebot.services import practice
from scalebot.services.context import reply_of

# Question ids are slugs of up to 64 characters: a custom_id holds at most 100.
BUTTON_ID = re.compile(r"scalebot:practice:(?P<question>[a-z0-9-]{1,64})")
FORM_ID = re.compile(r"scalebot:practice-form:(?P<question>[a-z0-9-]{1,64})")


class PracticeButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=BUTTON_ID,
):
    """A practice question's Answer button; its custom_id names the question served."""

    def __init__(self, question_id: str) -> None:
        """A button that opens the practice form for one question."""
        super().__init__(
            discord.ui.Button(
                label=ENGLISH(_("Answer")),
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=f"scalebot:practice:{question_id}",
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PracticeButton:
        """Rebuild the button from a click on any earlier practice reply."""
        return cls(match["question"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Open the practice form at once (the modal is the initial response)."""
        await interaction.response.send_modal(practice_form(self.question_id))


def practice_view(question_id: str) -> discord.ui.View:
    """A view holding the Answer button of one practice question."""
    view = discord.ui.View(timeout=None)
    view.add_item(PracticeButton(question_id))
    return view


def practice_form(question_id: str) -> discord.ui.Modal:
    """The practice form: the answer form's paragraph, under its own custom_id."""
    return text_form(
        title=ENGLISH(_("Practice: how would you scale it?")),
        custom_id=f"scalebot:practice-form:{question_id}",
        label=ENGLISH(_("Your answer (practice: no streak or points)")),
    )


def form_question(interaction: discord.Interaction[Any]) -> str | None:
    """The question a practice-form submit is for, or None if it is not one."""
    data: Mapping[str, Any] = interaction.data or {}
    match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return None
    return match["question"]


async def submit_practice_form(interaction: Interaction, question_id: str) -> None:
    """Defer privately, grade the practice answer, and send the feedback as an ephemeral embed."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    data: Mapping[str, Any] = interaction.data or {}
    reply = await reply_of(
        practice.submit_practice(
            client.ctx,
            user=invoked.user,
            text=submitted_text(data.get("components", [])),
            now=invoked.now,
            question_id=question_id,
            t=invoked.t,
        )
    )
    await send_reply(interaction, reply)


async def practice_command(
    interaction: Interaction, answer: str | None = None, skip: bool = False
) -> None:
    """Serve a practice question privately with its Answer button, or grade `answer` to it."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    if answer is not None:
        outcome = practice.submit_practice(
            client.ctx, user=invoked.user, text=answer, now=invoked.now, t=invoked.t
        )
        await send_reply(interaction, await reply_of(outcome))
        return
    view = await practice.serve_practice(
        client.ctx, user=invoked.user, now=invoked.now, skip=skip, t=invoked.t
    )
    if view.question_id is None:
        await send_reply(interaction, view.reply)
        return
    await send_reply(interaction, view.reply, view=practice_view(view.question_id))


def practice_subcommand() -> app_commands.Command[Any, ..., None]:
    """`/scale practice [answer] [skip]`."""
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name="practice",
        description="A question just for you, from what you score lowest on (no streak or points)",
        callback=practice_command,
    )
    app_commands.describe(
        answer="Answer your open practice question in one go (or use the Answer button)",
        skip="Serve another question instead of the one you have open",
    )(command)
    return command
