"""Answers: the persistent Answer button, the answer form, and replies in a question's thread."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Reply, error
from scalebot.locales import ENGLISH, Translator, _, translator
from scalebot.platforms.discord.identity import Interaction, channel_ref, quick_reader, user_ref
from scalebot.platforms.discord.interactions import begin, send_reply
from scalebot.platforms.discord.render import content, render
from scalebot.services import answers, languages
from scalebot.services.commands import Invocation
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, HasReply, UserError, reply_of

if TYPE_CHECKING:
    from scalebot.platforms.discord.client import ScaleClient

log = logging.getLogger(__name__)
BUTTON_ID = re.compile(r"scalebot:answer:(?P<key>[0-9]{1,19})")
FORM_ID = re.compile(r"scalebot:answer-form:(?P<round_id>[0-9]{1,19})")
ANSWER_FIELD = "answer"
THREAD_REF = "thread"
MESSAGE_REF = "message"
NO_DM = _(
    "I could not send your feedback privately: allow direct messages from this server, "
    "or answer with /scale answer."
)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"(?!)",  # never matched: each kind of button has its own template
):
    """An Answer button that opens a form; its custom_id carries what the form is for, so it
    outlives restarts (labelled in the language of the message that holds it)."""

    prefix: ClassVar[str]

    def __init__(self, key: str, t: Translator = ENGLISH) -> None:
        """A button that opens the form for `key` (a round id, a question id)."""
        super().__init__(
            discord.ui.Button(
                label=t(_("Answer")),
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=f"{self.prefix}:{key}",
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        """Rebuild the button from a click on any earlier message."""
        return cls(match["key"])

    def form(self, t: Translator) -> discord.ui.Modal:
        """The form the button opens, in the reader's language."""
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form at once (the modal is the initial response)."""
        await interaction.response.send_modal(self.form(quick_reader(interaction)))


class AnswerButton(FormButton, template=BUTTON_ID):
    """The daily post's Answer button: it opens the answer form for its round."""

    prefix = "scalebot:answer"

    @property
    def round_id(self) -> int:
        """The round the button was posted with."""
        return int(self.key)

    def form(self, t: Translator) -> discord.ui.Modal:
        """The answer form for the button's round."""
        return answer_form(self.round_id, t)


def thread_ref(thread_id: int) -> str:
    """How a post that has a discussion thread is stored (the thread id equals the post's id)."""
    return f"{THREAD_REF}:{thread_id}"


def answer_view(round_id: int, t: Translator = ENGLISH) -> discord.ui.View:
    """A view holding the Answer button of one round."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(str(round_id), t))
    return view


def answer_form(round_id: int | None, t: Translator) -> discord.ui.Modal:
    """The answer form: one paragraph of up to 4,000 characters."""
    return text_form(
        title=t(_("How would you scale it?")),
        custom_id=f"scalebot:answer-form:{round_id or 0}",
        label=t(_("Your answer (private; you get feedback at once)")),
        placeholder=t(_("Where is the bottleneck, what do you change, what does it cost…")),
    )


def text_form(
    *, title: str, custom_id: str, label: str, placeholder: str | None = None
) -> discord.ui.Modal:
    """A form with one paragraph of up to 4,000 characters (the answer and practice forms)."""
    form = discord.ui.Modal(title=title, custom_id=custom_id)
    form.add_item(
        discord.ui.TextInput(
            label=label,
            style=discord.TextStyle.paragraph,
            custom_id=ANSWER_FIELD,
            placeholder=placeholder,
            min_length=1,
            max_length=MAX_ANSWER_CHARS,
        )
    )
    # Submits are routed by custom_id in on_interaction, so a form opened before a restart
    # still works after it; a finished modal is not kept in discord.py's view store.
    form.stop()
    return form


def submitted_text(components: Iterable[Mapping[str, Any]]) -> str:
    """The answer typed into the form (action-row or label layout)."""
    for component in components:
        if component.get("custom_id") == ANSWER_FIELD and "value" in component:
            return str(component["value"])
        nested = list(component.get("components", []))
        if "component" in component:
            nested.append(component["component"])
        found = submitted_text(nested)
        if found:
            return found
    return ""


def form_round(interaction: discord.Interaction[Any]) -> int | None:
    """The round an answer-form submit is for (0 means the open round), or None if not ours."""
    data: Mapping[str, Any] = interaction.data or {}
    match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return None
    return int(match["round_id"])


# (context, invocation, text typed in, reader) → the use case's outcome, with its reply.
FormUse = Callable[[AppContext, Invocation, str, Translator], Awaitable[HasReply]]


async def submit_text_form(interaction: Interaction, use: FormUse) -> None:
    """Defer privately, grade what the form holds with its use case, and send the feedback
    as an ephemeral embed (refusals in the member's language)."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    data: Mapping[str, Any] = interaction.data or {}
    text = submitted_text(data.get("components", []))
    t = await languages.reader(client.ctx, channel=invoked.channel, user=invoked.user)
    await send_reply(interaction, await reply_of(use(client.ctx, invoked, text, t), t))


async def submit_form(interaction: Interaction, round_id: int) -> None:
    """Grade an answer-form submit: the round it was opened for (0: the open one)."""

    def use(ctx: AppContext, invoked: Invocation, text: str, t: Translator) -> Awaitable[HasReply]:
        return answers.submit_answer(
            ctx,
            channel=invoked.channel,
            user=invoked.user,
            text=text,
            now=invoked.now,
            round_id=round_id or None,
            t=t,
        )

    await submit_text_form(interaction, use)


async def answer_in_thread(client: ScaleClient, message: discord.Message) -> bool:
    """Grade a reply in a question's thread and send the feedback by DM; True when graded."""
    thread = message.channel
    if (
        not client.config.thread_answers
        or message.author.bot
        or not message.content.strip()
        or message.guild is None
        or not isinstance(thread, discord.Thread)
    ):
        return False
    guild_id = message.guild.id
    channel = channel_ref(guild_id, thread, thread.id)
    assert channel is not None

    async def author() -> UserRef:
        return user_ref(guild_id, message.author)

    try:
        outcome = await answers.answer_in_thread(
            client.ctx,
            channel=channel,
            message_ref=thread_ref(thread.id),
            event_id=f"message:{message.id}",
            author=author,
            text=message.content,
            now=client.clock(),
        )
    except UserError as exc:  # empty or too long: in the author's language
        t = await languages.reader(client.ctx, channel=channel, user=await author())
        reply: Reply | None = error(t(exc.message))
    else:
        reply = outcome.reply if outcome is not None else None
    if reply is None:
        return False
    await send_privately(message, reply)
    return True


async def send_privately(message: discord.Message, reply: Reply) -> None:
    """DM the feedback; if DMs are closed, say so in the thread without any score."""
    try:
        await message.author.send(**render(reply).send_kwargs())
    except discord.HTTPException as exc:
        log.info("could not DM feedback to %s: %s", message.author.id, exc.status)
        try:
            t = translator(reply.language)
            await message.reply(content(t(NO_DM), t), mention_author=False)
        except discord.HTTPException:
            log.warning("could not tell %s that DMs are closed", message.author.id)
