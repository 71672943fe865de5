"""The one answer-form path on Slack: the round's answer form and the practice form, and the
one listener head of the buttons (Answer, practice Answer, command buttons).

A submitted form is checked inside the form (Slack shows the error under the input), then
acknowledged, graded by its own use case and answered privately. The forms differ only in
what their private metadata holds, how their text is checked and which use case grades it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.locales import Language, Message, Translator, translator
from scalebot.platforms.slack.identity import PLATFORM
from scalebot.platforms.slack.render import ANSWER_BLOCK, ANSWER_INPUT
from scalebot.services import languages
from scalebot.services.context import AppContext, HasReply, UserError, reply_of

if TYPE_CHECKING:
    from scalebot.platforms.slack.handlers import SlackHandlers


class FormTarget(Protocol):
    """What every form carries through Slack: where its answer goes, in which language."""

    @property
    def channel_id(self) -> str:
        """The channel the form was opened from."""
        ...

    @property
    def response_url(self) -> str | None:
        """Where the private feedback goes, when Slack gave one."""
        ...

    @property
    def language(self) -> Language | None:
        """The reader's language when the form opened (its refusals are in it)."""
        ...


T = TypeVar("T", bound=FormTarget)
Listener = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Form(Generic[T]):
    """One kind of answer form: its metadata, its input check and the use case that grades it."""

    load: Callable[[str], T]  # raises ValueError on metadata that is not the form's
    validate: Callable[[str], object]  # raises UserError on text the use case would refuse
    # (context, channel, member, text, target, now, reader) → the outcome, with its reply.
    submit: Callable[
        [AppContext, ChannelRef, UserRef, str, T, datetime, Translator], Awaitable[HasReply]
    ]
    stale: Message  # the refusal of a form whose metadata cannot be read


def submitted_text(view: dict[str, Any]) -> str:
    """The answer typed into a form (every form has the one answer input)."""
    values = view.get("state", {}).get("values", {})
    value = values.get(ANSWER_BLOCK, {}).get(ANSWER_INPUT, {}).get("value")
    return value if isinstance(value, str) else ""


def form_listener(handlers: SlackHandlers, form: Form[T], team: Callable[..., str]) -> Listener:
    """The view_submission listener of one form (Bolt passes its arguments by name)."""

    async def on_submitted(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """Refuse bad input inside the form; otherwise close it, grade, and answer privately."""
        text, user_id = submitted_text(view), str(body["user"]["id"])
        try:
            target = form.load(view.get("private_metadata") or "")
        except ValueError:
            t = handlers._known_reader(user_id)  # within Slack's 3 s: no lookup
            await ack(response_action="errors", errors={ANSWER_BLOCK: t(form.stale)})
            return
        try:
            form.validate(text)
        except UserError as exc:
            t = translator(target.language) if target.language else handlers._known_reader(user_id)
            await ack(response_action="errors", errors={ANSWER_BLOCK: t(exc.message)})
            return
        await ack()
        channel = ChannelRef(PLATFORM, team(context, body), target.channel_id)

        async def tell_restarting() -> None:
            await handlers._apologise(client, channel, user_id, target.response_url)

        await handlers.ctx.inflight.run(
            _graded(handlers, form, client, channel, user_id, text, target),
            abandon=tell_restarting,
        )

    return on_submitted


async def _graded(
    handlers: SlackHandlers,
    form: Form[T],
    client: AsyncWebClient,
    channel: ChannelRef,
    user_id: str,
    text: str,
    target: T,
) -> None:
    """Grade and store a submitted form with its use case, then answer privately."""
    member = await handlers._member(client, channel.workspace_id, user_id)
    t = await languages.reader(handlers.ctx, channel=channel, user=member.ref)
    outcome = form.submit(handlers.ctx, channel, member.ref, text, target, handlers.clock(), t)
    reply = await reply_of(outcome, t)
    await handlers._tell_privately(client, channel, member, reply, target.response_url)


@dataclass(frozen=True)
class Pressed:
    """A button press as Bolt hands it over (acknowledged already)."""

    body: dict[str, Any]
    action: dict[str, Any]
    client: AsyncWebClient
    respond: AsyncRespond
    context: AsyncBoltContext


def button_listener(handle: Callable[[Pressed], Awaitable[None]]) -> Listener:
    """A block_actions listener that acknowledges at once, then hands the press on."""

    async def on_pressed(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        """Acknowledge within Slack's 3 s, then handle the press."""
        await ack()
        await handle(Pressed(body, action, client, respond, context))

    return on_pressed
