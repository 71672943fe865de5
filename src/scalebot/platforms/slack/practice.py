"""Personal practice on Slack: `/scale practice` with an Answer button, the practice form."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import error
from scalebot.locales import Language, Translator, _, parse_language
from scalebot.platforms.slack.forms import Form, Pressed, button_listener, form_listener
from scalebot.platforms.slack.identity import PLATFORM
from scalebot.platforms.slack.render import (
    Block,
    answer_modal,
    message,
)
from scalebot.services import languages, practice
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, HasReply

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


def _submit_practice(
    ctx: AppContext,
    channel: ChannelRef,
    user: UserRef,
    text: str,
    target: PracticeTarget,
    now: datetime,
    t: Translator,
) -> Awaitable[HasReply]:
    """Grade the practice form: an answer to the question it was opened for."""
    return practice.submit_practice(
        ctx, user=user, text=text, now=now, question_id=target.question_id, t=t
    )


PRACTICE_FORM = Form(
    PracticeTarget.load, practice.validate_practice, _submit_practice, practice.STALE
)


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
        app.action(PRACTICE_ACTION)(button_listener(self.on_button))
        app.view(PRACTICE_MODAL)(form_listener(self.handlers, PRACTICE_FORM, _workspace))

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

    async def on_button(self, pressed: Pressed) -> None:
        """Open the practice form for the question the button was shown with."""
        handlers, body, client, respond = (
            self.handlers,
            pressed.body,
            pressed.client,
            pressed.respond,
        )
        channel = ChannelRef(PLATFORM, _workspace(pressed.context, body), body["channel"]["id"])
        member = await handlers._member(client, channel.workspace_id, body["user"]["id"])
        t = await languages.reader(handlers.ctx, channel=channel, user=member.ref)
        current = await practice.current_practice(handlers.ctx, user=member.ref, t=t)
        if current is None or current.question_id != pressed.action.get("value"):
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


def _workspace(context: AsyncBoltContext, body: dict[str, Any]) -> str:
    """The workspace (team) id of a request, read the way the other listeners read it."""
    from scalebot.platforms.slack.handlers import _team  # handlers import this module

    return _team(context, body)
