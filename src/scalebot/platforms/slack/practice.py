"""Personal practice on Slack: `/scale practice` with an Answer button, the practice form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import error
from scalebot.locales import ENGLISH, Language, Translator, _, parse_language, translator
from scalebot.platforms.slack.identity import PLATFORM
from scalebot.platforms.slack.render import (
    ANSWER_BLOCK,
    Block,
    answer_modal,
    message,
)
from scalebot.services import languages, practice
from scalebot.services.context import MAX_ANSWER_CHARS, UserError

if TYPE_CHECKING:
    from scalebot.platforms.slack.handlers import SlackHandlers

PRACTICE_ACTION = "scalebot_practice"
PRACTICE_MODAL = "scalebot_practice_modal"
_WORDS = {"practice": False, "practice skip": True}


def wants_practice(text: str) -> bool | None:
    """Whether the command serves a practice question: None if not, else whether it skips."""
    return _WORDS.get(" ".join(text.lower().split()))


@dataclass(frozen=True)
class PracticeTarget:
    """Where a practice form's answer goes, and for which question (in private metadata)."""

    channel_id: str
    question_id: str
    response_url: str | None
    # The reader's language when the form opened: the form's own refusals are in it.
    language: Language = Language.EN

    def dump(self) -> str:
        """Serialise for `private_metadata`."""
        return json.dumps(
            {
                "c": self.channel_id,
                "q": self.question_id,
                "u": self.response_url,
                "l": self.language.value,
            }
        )

    @classmethod
    def load(cls, raw: str) -> PracticeTarget:
        """Read what dump() wrote; raise ValueError on anything else."""
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not scalebot practice metadata")
        channel, question, url = data.get("c"), data.get("q"), data.get("u")
        if not isinstance(channel, str) or not isinstance(question, str) or not question:
            raise ValueError("not scalebot practice metadata")
        language = parse_language(str(data.get("l") or "")) or Language.EN
        return cls(channel, question, url if isinstance(url, str) else None, language)


def practice_button(question_id: str, t: Translator) -> Block:
    """The actions block under a practice question: an Answer button that opens the form."""
    return {
        "type": "actions",
        "block_id": "scalebot_practice",
        "elements": [
            {
                "type": "button",
                "action_id": PRACTICE_ACTION,
                "text": {"type": "plain_text", "text": t(_("Answer"))},
                "style": "primary",
                "value": question_id,
            }
        ],
    }


class SlackPractice:
    """Serve, show and grade practice questions through the Slack handlers' plumbing."""

    def __init__(self, handlers: SlackHandlers) -> None:
        """Share the handlers' context, clock, member lookup and private replies."""
        self.handlers = handlers

    def register(self, app: AsyncApp) -> None:
        """Attach the practice button and form listeners."""
        app.action(PRACTICE_ACTION)(self.on_button)
        app.view(PRACTICE_MODAL)(self.on_submitted)

    async def show(
        self,
        client: AsyncWebClient,
        channel: ChannelRef,
        user_id: str,
        respond: AsyncRespond,
        *,
        skip: bool,
    ) -> None:
        """Serve the member's practice question privately, with its Answer button."""
        handlers = self.handlers
        member = await handlers._member(client, channel.workspace_id, user_id)
        t = await languages.reader(handlers.ctx, channel=channel, user=member.ref)
        view = await practice.serve_practice(
            handlers.ctx, user=member.ref, now=handlers.clock(), skip=skip, t=t
        )
        extra = [practice_button(view.question_id, t)] if view.question_id else []
        await respond(response_type="ephemeral", **message(view.reply, extra=extra).as_kwargs())

    async def on_button(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        """Open the practice form for the question the button was shown with."""
        await ack()
        handlers = self.handlers
        channel = ChannelRef(PLATFORM, _workspace(context, body), body["channel"]["id"])
        member = await handlers._member(client, channel.workspace_id, body["user"]["id"])
        t = await languages.reader(handlers.ctx, channel=channel, user=member.ref)
        current = await practice.current_practice(handlers.ctx, user=member.ref, t=t)
        if current is None or current.question_id != action.get("value"):
            await respond(
                response_type="ephemeral", **message(error(t(practice.STALE))).as_kwargs()
            )
            return
        assert current.question_id is not None
        target = PracticeTarget(
            channel.channel_id, current.question_id, body.get("response_url"), t.language
        )
        view = answer_modal(
            target,
            question=current.reply,
            max_chars=MAX_ANSWER_CHARS,
            callback_id=PRACTICE_MODAL,
            t=t,
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_submitted(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """Refuse bad input inside the form; otherwise close it, grade, and answer privately."""
        text = _submitted_text(view)
        try:
            target = PracticeTarget.load(view.get("private_metadata") or "")
        except ValueError:
            await ack(response_action="errors", errors={ANSWER_BLOCK: ENGLISH(practice.STALE)})
            return
        try:
            practice.validate_practice(text)
        except UserError as exc:
            message_ = translator(target.language)(exc.message)
            await ack(response_action="errors", errors={ANSWER_BLOCK: message_})
            return
        await ack()
        handlers = self.handlers
        channel = ChannelRef(PLATFORM, _workspace(context, body), target.channel_id)

        async def tell_restarting() -> None:
            await handlers._apologise(client, channel, str(body["user"]["id"]), target.response_url)

        await handlers.ctx.inflight.run(
            self._submit(body, text, target, channel, client), abandon=tell_restarting
        )

    async def _submit(
        self,
        body: dict[str, Any],
        text: str,
        target: PracticeTarget,
        channel: ChannelRef,
        client: AsyncWebClient,
    ) -> None:
        """Grade and store a practice answer, then send the feedback privately."""
        handlers = self.handlers
        member = await handlers._member(client, channel.workspace_id, body["user"]["id"])
        t = await languages.reader(handlers.ctx, channel=channel, user=member.ref)
        try:
            outcome = await practice.submit_practice(
                handlers.ctx,
                user=member.ref,
                text=text,
                now=handlers.clock(),
                question_id=target.question_id,
                t=t,
            )
            reply = outcome.reply
        except UserError as exc:
            reply = error(t(exc.message))
        await handlers._tell_privately(client, channel, member, reply, target.response_url)


def _workspace(context: AsyncBoltContext, body: dict[str, Any]) -> str:
    """The workspace (team) id of a request, read the way the other listeners read it."""
    from scalebot.platforms.slack.handlers import _team  # handlers import this module

    return _team(context, body)


def _submitted_text(view: dict[str, Any]) -> str:
    """The answer typed into the practice form (the same block as the answer form's)."""
    from scalebot.platforms.slack.handlers import _submitted_text as answer_text

    return answer_text(view)
