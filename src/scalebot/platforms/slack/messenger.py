"""How the services reach Slack channels: daily posts, thread replies and admin notices."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.locales import _, translator
from scalebot.platforms.slack.clients import Clients, NotInstalled
from scalebot.platforms.slack.identity import workspace_admins
from scalebot.platforms.slack.pacing import SlackPacer
from scalebot.platforms.slack.render import message, question_message
from scalebot.services.context import ChannelUnavailable, PostRefused

log = logging.getLogger(__name__)
UNAVAILABLE = {
    "channel_not_found": _(
        "Slack cannot find the channel (channel_not_found): it was deleted or the bot cannot see it"
    ),
    "not_in_channel": _(
        "the bot is not in the channel (not_in_channel): invite it with /invite @scalebot"
    ),
    "is_archived": _("the channel is archived (is_archived)"),
    "token_revoked": _("the app's token was revoked (token_revoked): reinstall scalebot"),
    "account_inactive": _("the app was uninstalled (account_inactive): reinstall scalebot"),
    "invalid_auth": _("Slack no longer accepts the bot token (invalid_auth): check it"),
}
NOT_INSTALLED = _("scalebot is not installed in this workspace any more: reinstall it")
# Every round post carries this metadata event type and its round id, so it can be found again.
ROUND_EVENT = "scalebot_round"
# Our clock and Slack's may disagree a little: search a bit before the first send.
CLOCK_SKEW = timedelta(minutes=5)
HISTORY_PAGE = 200
HISTORY_PAGES = 5


class SearchIncomplete(LookupError):
    """Too many messages since the post to be sure it is absent."""


def round_metadata(round_id: int) -> dict[str, Any]:
    """The message metadata that tags a round's post."""
    return {"event_type": ROUND_EVENT, "event_payload": {"round_id": round_id}}


def is_round_post(message: dict[str, Any], round_id: int) -> bool:
    """Tell whether a history message is the post of a round (by its metadata)."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == ROUND_EVENT and payload.get("round_id") == round_id


def api_error(exc: SlackApiError) -> str:
    """The Web API's error code, e.g. channel_not_found."""
    return str(exc.response.get("error") or "unknown_error")


class SlackMessenger:
    """Posts for the services; channels Slack refuses for good raise ChannelUnavailable."""

    def __init__(
        self,
        clients: Clients,
        *,
        admin_ids: Collection[str],
        thread_answers: bool,
        pacer: SlackPacer | None = None,
    ) -> None:
        """Post through the workspace clients, paced; DM admins from the setting and users.list."""
        self.clients = clients
        self.admin_ids = admin_ids
        self.thread_answers = thread_answers
        self.pacer = pacer

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str | None:
        """Post the daily question with its Answer button; return the message ts (its thread)."""
        posted = question_message(reply, round_id, thread_answers=self.thread_answers)
        try:
            response = await self._post(
                channel, **posted.as_kwargs(), metadata=round_metadata(round_id)
            )
        except SlackApiError as exc:
            if exc.response.status_code < 500:
                raise PostRefused(api_error(exc)) from exc
            raise  # a 5xx may have posted: the delivery looks before sending again
        ts = response.get("ts")
        return str(ts) if ts else None

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Search the channel's history since the first send for the round's metadata."""
        client = await self._client(channel)
        oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
        cursor: str | None = None
        for _page in range(HISTORY_PAGES):
            try:
                page = await client.conversations_history(
                    channel=channel.channel_id,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                )
            except SlackApiError as exc:
                if api_error(exc) in UNAVAILABLE:
                    return None  # nothing can be visible there: posting again pauses it
                raise
            for found in page.get("messages") or []:
                if is_round_post(found, round_id):
                    return str(found["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or cursor is None:
                return None
        raise SearchIncomplete(f"more than {HISTORY_PAGES * HISTORY_PAGE} messages to search")

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Post under the question (the round summary), or in the channel without a thread."""
        extra = {"thread_ts": thread} if thread else {}
        await self._post(channel, **message(reply).as_kwargs(), **extra)

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Send the notice as a DM to the workspace's admins and owners and SCALEBOT_ADMIN_IDS."""
        client = await self._client(channel)
        recipients = set(self.admin_ids)
        try:
            recipients.update(await workspace_admins(client))
        except SlackApiError as exc:
            log.warning("users.list failed: %s", api_error(exc))
        t, where = translator(reply.language), f"<#{channel.channel_id}>"
        where_block = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": t(_("Channel: {channel}", channel=where))}],
        }
        notice = message(reply, extra=[where_block])
        for user_id in sorted(recipients):
            try:
                await client.chat_postMessage(channel=user_id, **notice.as_kwargs())
            except SlackApiError as exc:
                log.warning("could not DM admin %s: %s", user_id, api_error(exc))
        if not recipients:
            log.warning("no admins to tell about %s: %s", channel, reply.title)

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """DM a member (chat.postMessage to their id), in the workspace's paced turns."""
        client = await self._client(channel)
        dm = ChannelRef(channel.platform, channel.workspace_id, user_id)
        await self._paced_post(client, dm, message(reply).as_kwargs())

    async def _client(self, channel: ChannelRef) -> AsyncWebClient:
        """The bot's client in the channel's workspace."""
        try:
            return await self.clients.for_workspace(channel.workspace_id)
        except NotInstalled:
            raise ChannelUnavailable(NOT_INSTALLED) from None

    async def _post(self, channel: ChannelRef, **kwargs: Any) -> AsyncSlackResponse:
        """chat.postMessage; join a public channel once on not_in_channel; map refusals."""
        client = await self._client(channel)
        try:
            return await self._paced_post(client, channel, kwargs)
        except SlackApiError as exc:
            joinable = api_error(exc) == "not_in_channel"
            if not joinable or not await self._join(client, channel):
                _raise_refusal(exc)
                raise
        try:
            return await self._paced_post(client, channel, kwargs)
        except SlackApiError as exc:
            _raise_refusal(exc)
            raise

    async def _paced_post(
        self, client: AsyncWebClient, channel: ChannelRef, kwargs: dict[str, Any]
    ) -> AsyncSlackResponse:
        """chat.postMessage in the channel's and the workspace's turn."""
        if self.pacer is None:
            return await client.chat_postMessage(channel=channel.channel_id, **kwargs)
        await self.pacer.wait(channel)
        with self.pacer.sending(channel):
            return await client.chat_postMessage(channel=channel.channel_id, **kwargs)

    async def _join(self, client: AsyncWebClient, channel: ChannelRef) -> bool:
        """Join a public channel the bot was enrolled in but is not a member of."""
        try:
            await client.conversations_join(channel=channel.channel_id)
        except SlackApiError as exc:
            log.info("could not join %s: %s", channel.channel_id, api_error(exc))
            return False
        return True


def _raise_refusal(exc: SlackApiError) -> None:
    """Raise ChannelUnavailable when Slack refuses the channel for good."""
    error = api_error(exc)
    if error in UNAVAILABLE:
        raise ChannelUnavailable(UNAVAILABLE[error]) from exc
