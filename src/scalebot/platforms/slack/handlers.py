"""Bolt listeners: parse Slack payloads into refs, call one service, render the Reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.domain.clock import Clock
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply, Tone, error
from scalebot.domain.replies import error as error_reply
from scalebot.domain.untrusted import parse_id
from scalebot.locales import Translator, _, language_of_locale, translator
from scalebot.platforms.slack.forms import Form, Pressed, button_listener, form_listener
from scalebot.platforms.slack.identity import PLATFORM, Member, identify
from scalebot.platforms.slack.messenger import api_error
from scalebot.platforms.slack.practice import SlackPractice, wants_practice
from scalebot.platforms.slack.render import (
    ANSWER_ACTION,
    ANSWER_MODAL,
    COMMAND_ACTION_ID,
    ModalTarget,
    answer_modal,
    message,
)
from scalebot.platforms.slack.verification import VERIFIED, slack_hosted
from scalebot.platforms.text_commands import MAX_COMMAND_CHARS, run_command, too_long
from scalebot.services import answers, languages, rounds
from scalebot.services.commands import BUTTONS, Invocation
from scalebot.services.context import (
    MAX_ANSWER_CHARS,
    RESTARTING,
    AppContext,
    HasReply,
    UserError,
)

log = logging.getLogger(__name__)

ANSWERED_REACTION = "white_check_mark"
SOMETHING_WENT_WRONG = _(
    "Sorry, something went wrong on scalebot's side: nothing was saved. Try again."
)
STALE_BUTTON = _("This button or form is out of date: use /scale answer instead.")
UNKNOWN_BUTTON = _("This button is out of date: type the command instead (/scale help lists them).")
FILE_SENT = _("Sent to you as a file in a direct message from scalebot.")
# Members' app languages from users.info, kept for replies sent before (or without) a lookup.
LOCALES_KEPT = 10_000


def _submit_answer(
    ctx: AppContext,
    channel: ChannelRef,
    user: UserRef,
    text: str,
    target: ModalTarget,
    now: datetime,
    t: Translator,
) -> Awaitable[HasReply]:
    """Grade the answer form: for the round it was opened for, or the open one."""
    return answers.submit_answer(
        ctx, channel=channel, user=user, text=text, now=now, round_id=target.round_id, t=t
    )


ANSWER_FORM = Form(ModalTarget.load, answers.validate_answer, _submit_answer, STALE_BUTTON)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def unescape(text: str) -> str:
    """Undo Slack's escaping of & < > in message and command text."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def wants_modal(text: str) -> bool:
    """Tell whether the command is `answer` with no text (which opens the form)."""
    return text.strip().lower() == "answer"


class SlackHandlers:
    """The /scale command, the Answer button and modal, and thread replies."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        admin_ids: Collection[str],
        thread_answers: bool,
        clock: Clock,
        response_hosts: Collection[str],
    ) -> None:
        """Handle events for one app."""
        self.ctx = ctx
        self.response_hosts = response_hosts
        self.admin_ids = admin_ids
        self.thread_answers = thread_answers
        self.clock = clock
        self.practice = SlackPractice(self)
        self._locales: dict[str, str | None] = {}

    def register(self, app: AsyncApp) -> None:
        """Attach every listener to the Bolt app."""
        app.command("/scale")(self.on_command)
        app.action(ANSWER_ACTION)(button_listener(self.on_answer_button))
        app.action(COMMAND_ACTION_ID)(button_listener(self.on_command_button))
        app.view(ANSWER_MODAL)(form_listener(self, ANSWER_FORM, _team))
        self.practice.register(app)
        app.event("message")(self.on_message)
        app.error(self.on_error)

    async def on_error(
        self, error: Exception, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Log an unexpected failure and, for a verified request, apologise privately."""
        log.error("Slack request failed (%s)", type(error).__name__, exc_info=error)
        if not context.get(VERIFIED):
            return  # Bolt runs this for requests that failed verification too
        response_url = body.get("response_url")
        if isinstance(response_url, str) and slack_hosted(response_url, self.response_hosts):
            user = body.get("user_id") or (body.get("user") or {}).get("id")
            t = self._known_reader(str(user or ""))
            apology = message(error_reply(t(SOMETHING_WENT_WRONG)))
            await AsyncRespond(response_url=response_url)(
                response_type="ephemeral", replace_original=False, **apology.as_kwargs()
            )

    async def _member(self, client: AsyncWebClient, team_id: str, user_id: str) -> Member:
        member = await identify(client, team_id=team_id, user_id=user_id, admin_ids=self.admin_ids)
        if len(self._locales) >= LOCALES_KEPT:
            self._locales.clear()
        self._locales[user_id] = member.ref.locale
        return member

    def _known_reader(self, user_id: str) -> Translator:
        """The member's language from their last known app locale, without a lookup."""
        return translator(language_of_locale(self._locales.get(user_id)) or self.ctx.language)

    async def _reader(self, channel: ChannelRef, user_id: str) -> Translator:
        """The member's language (their choice, last known locale, the channel's), one read."""
        ref = UserRef(PLATFORM, channel.workspace_id, user_id, user_id, self._locales.get(user_id))
        return await languages.reader(self.ctx, channel=channel, user=ref)

    # --- /scale ------------------------------------------------------------------------------

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        """Acknowledge at once, then run the subcommand and answer privately."""
        await ack()
        raw = command.get("text") or ""
        user_id = str(command.get("user_id") or "")
        if len(raw) > MAX_COMMAND_CHARS:  # refused before any parsing or lookup
            t = self._known_reader(user_id)
            await respond(response_type="ephemeral", **message(error(t(too_long(raw)))).as_kwargs())
            return

        async def tell_restarting() -> None:
            t = self._known_reader(user_id)
            await respond(response_type="ephemeral", **message(error(t(RESTARTING))).as_kwargs())

        await self.ctx.inflight.run(
            self._command(raw, command, client, respond, context), abandon=tell_restarting
        )

    async def _command(
        self,
        raw: str,
        command: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        """Run the subcommand and answer privately."""
        text = unescape(raw)
        channel = ChannelRef(PLATFORM, _team(context, command), command["channel_id"])
        if wants_modal(text):
            target = ModalTarget(channel.channel_id, None, command.get("response_url"))
            opener = {"user": {"id": command["user_id"]}}
            await self._open_modal(client, command["trigger_id"], channel, target, respond, opener)
            return
        skip = wants_practice(text)
        if skip is not None:  # shown with its Answer button, so not through run_command
            await self.practice.show(client, channel, command["user_id"], respond, skip=skip)
            return
        member = await self._member(client, channel.workspace_id, command["user_id"])
        invocation = Invocation(channel, member.ref, member.is_admin, self.clock())
        reply = await run_command(self.ctx, invocation, text)
        await self._deliver(client, channel, member, reply, respond)

    async def _deliver(
        self,
        client: AsyncWebClient,
        channel: ChannelRef,
        member: Member,
        reply: Reply,
        respond: AsyncRespond,
    ) -> None:
        """Private replies as ephemeral messages, files by DM, public ones in the channel."""
        if reply.attachments:
            reply = await self._send_files(client, channel, member, reply)
        if reply.private:
            await respond(response_type="ephemeral", **message(reply).as_kwargs())
            return
        try:
            await client.chat_postMessage(channel=channel.channel_id, **message(reply).as_kwargs())
        except SlackApiError as exc:
            t = self._known_reader(member.ref.user_id)
            refusal = error(
                t(
                    _(
                        "I cannot post in this channel ({error}): invite me with /invite, "
                        "then try again.",
                        error=api_error(exc),
                    )
                )
            )
            await respond(response_type="ephemeral", **message(refusal).as_kwargs())

    async def _send_files(
        self, client: AsyncWebClient, channel: ChannelRef, member: Member, reply: Reply
    ) -> Reply:
        """Upload a reply's attachments to the member's DM; return the reply to show."""
        t = await languages.reader(self.ctx, channel=channel, user=member.ref)
        try:
            opened = await client.conversations_open(users=member.ref.user_id)
            dm = opened["channel"]["id"]
            for attachment in reply.attachments:
                await client.files_upload_v2(
                    channel=dm,
                    filename=attachment.name,
                    title=attachment.name,
                    content=attachment.data,
                )
        except SlackApiError as exc:
            failed = _(
                "I could not send you the file ({error}): try again later.", error=api_error(exc)
            )
            return error(t(failed))
        footer = "\n".join(part for part in (reply.footer, t(FILE_SENT)) if part)
        return replace(reply, footer=footer, attachments=())

    # --- buttons that run a command (the forget-me confirmation) ------------------------------

    async def on_command_button(self, pressed: Pressed) -> None:
        """Run the button's command as the member who pressed it; the result replaces it."""
        t = self._known_reader(str((pressed.body.get("user") or {}).get("id", "")))

        async def tell_restarting() -> None:
            refusal = message(error(t(RESTARTING)))
            await pressed.respond(response_type="ephemeral", **refusal.as_kwargs())

        await self.ctx.inflight.run(self._pressed(pressed), abandon=tell_restarting)

    async def _pressed(self, pressed: Pressed) -> None:
        """Run a pressed button's command and put the reply where the button was."""
        body, respond, command = pressed.body, pressed.respond, pressed.action.get("value")
        channel = ChannelRef(PLATFORM, _team(pressed.context, body), body["channel"]["id"])
        member = await self._member(pressed.client, channel.workspace_id, body["user"]["id"])
        invocation = Invocation(channel, member.ref, member.is_admin, self.clock())
        if not isinstance(command, str) or command not in BUTTONS:
            t = await languages.reader(self.ctx, channel=channel, user=member.ref)
            refusal = error(t(UNKNOWN_BUTTON))
            await respond(response_type="ephemeral", **message(refusal).as_kwargs())
            return
        reply = await BUTTONS[command](self.ctx, invocation)
        await respond(replace_original=True, **message(reply).as_kwargs())

    # --- the answer form ------------------------------------------------------------------

    async def on_answer_button(self, pressed: Pressed) -> None:
        """The Answer button on a daily post: open the form for that round."""
        body, client, respond = pressed.body, pressed.client, pressed.respond
        round_id = parse_id(pressed.action.get("value"))
        channel = ChannelRef(PLATFORM, _team(pressed.context, body), body["channel"]["id"])
        if round_id is None:
            t = await self._reader(channel, str(body["user"]["id"]))
            await respond(response_type="ephemeral", **message(error(t(STALE_BUTTON))).as_kwargs())
            return
        target = ModalTarget(channel.channel_id, round_id, body.get("response_url"))
        await self._open_modal(client, body["trigger_id"], channel, target, respond, body)

    async def _open_modal(
        self,
        client: AsyncWebClient,
        trigger_id: str,
        channel: ChannelRef,
        target: ModalTarget,
        respond: AsyncRespond,
        body: dict[str, Any],
    ) -> None:
        """Open the answer form, showing the question when it is the open round's."""
        t = await self._reader(channel, str(body["user"]["id"]))
        try:
            current = await rounds.current_round(self.ctx, channel=channel, t=t)
        except UserError as exc:
            await respond(response_type="ephemeral", **message(error(t(exc.message))).as_kwargs())
            return
        question = current.reply if target.round_id in (None, current.round_id) else None
        target = replace(target, language=t.language)
        view = answer_modal(target, question=question, max_chars=MAX_ANSWER_CHARS, t=t)
        await client.views_open(trigger_id=trigger_id, view=view)

    async def _apologise(
        self, client: AsyncWebClient, channel: ChannelRef, user_id: str, response_url: str | None
    ) -> None:
        """Tell a member that their answer could not be finished (scalebot is stopping)."""
        posted = message(error(self._known_reader(user_id)(RESTARTING)))
        if response_url:
            await AsyncRespond(response_url=response_url)(
                response_type="ephemeral", replace_original=False, **posted.as_kwargs()
            )
            return
        await client.chat_postEphemeral(
            channel=channel.channel_id, user=user_id, **posted.as_kwargs()
        )

    async def _tell_privately(
        self,
        client: AsyncWebClient,
        channel: ChannelRef,
        member: Member,
        reply: Reply,
        response_url: str | None,
        thread_ts: str | None = None,
    ) -> None:
        """An ephemeral message: through the response URL when there is one, else the API."""
        posted = message(reply)
        if response_url and slack_hosted(response_url, self.response_hosts):
            sent = await AsyncRespond(response_url=response_url)(
                response_type="ephemeral", replace_original=False, **posted.as_kwargs()
            )
            if sent.status_code == 200:
                return
            log.info("response_url answered %s; posting the feedback ephemerally", sent.status_code)
        await client.chat_postEphemeral(
            channel=channel.channel_id,
            user=member.ref.user_id,
            thread_ts=thread_ts,
            **posted.as_kwargs(),
        )

    # --- thread replies ----------------------------------------------------------------------

    async def on_message(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """Grade a reply in a question's thread, once per event id, and react with ✅."""
        thread_ts = _thread_reply(event)
        if not self.thread_answers or thread_ts is None:
            return
        channel = ChannelRef(PLATFORM, _team(context, body), event["channel"])
        members: list[Member] = []

        async def author() -> UserRef:
            members.append(await self._member(client, channel.workspace_id, event["user"]))
            return members[0].ref

        try:
            outcome = await answers.answer_in_thread(
                self.ctx,
                channel=channel,
                message_ref=thread_ts,
                event_id=str(body.get("event_id") or f"{event['channel']}:{event['ts']}"),
                author=author,
                text=unescape(event.get("text") or ""),
                now=self.clock(),
            )
        except UserError as exc:  # empty or too long: in the author's language
            if not members:
                members.append(await self._member(client, channel.workspace_id, event["user"]))
            t = await languages.reader(self.ctx, channel=channel, user=members[0].ref)
            reply: Reply | None = error(t(exc.message))
        else:
            reply = outcome.reply if outcome is not None else None
        if reply is None:
            return
        if reply.tone is not Tone.ERROR:
            await _react(client, channel, event["ts"])
        await self._tell_privately(client, channel, members[0], reply, None, thread_ts)


def _team(context: AsyncBoltContext, body: dict[str, Any]) -> str:
    """The workspace (team) id of a request."""
    team = context.team_id or body.get("team_id") or (body.get("team") or {}).get("id")
    if not isinstance(team, str) or not team:
        raise ValueError("the request names no workspace")
    return team


def _thread_reply(event: dict[str, Any]) -> str | None:
    """The parent ts when the event is a member's reply in a thread, else None."""
    if event.get("subtype") not in (None, "thread_broadcast") or event.get("bot_id"):
        return None
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts") or not event.get("user"):
        return None
    return str(thread_ts)


async def _react(client: AsyncWebClient, channel: ChannelRef, ts: str) -> None:
    """Mark a graded thread reply with ✅ (already reacted is fine)."""
    try:
        await client.reactions_add(channel=channel.channel_id, timestamp=ts, name=ANSWERED_REACTION)
    except SlackApiError as exc:
        if api_error(exc) != "already_reacted":
            log.warning("could not react to %s: %s", ts, api_error(exc))
