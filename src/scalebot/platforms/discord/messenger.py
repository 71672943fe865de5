"""How services post to Discord: the daily question, its thread, and notices to admins."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import discord

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.locales import _, translator
from scalebot.ops import metrics
from scalebot.platforms.discord.answering import MESSAGE_REF, THREAD_REF, answer_view, thread_ref
from scalebot.platforms.discord.render import clip, render
from scalebot.platforms.pacing import SharedPacer
from scalebot.services.context import ChannelUnavailable, PostRefused

if TYPE_CHECKING:
    from scalebot.platforms.discord.client import ScaleClient

log = logging.getLogger(__name__)
T = TypeVar("T")
THREAD_NAME_LIMIT = 100
ARCHIVE_AFTER_MINUTES: Literal[1440] = 1440
# How many of the channel's newest messages are searched for a round's post.
RECENT_MESSAGES = 100
CLOCK_SKEW = timedelta(minutes=5)


class SearchIncomplete(LookupError):
    """Too many messages since the post to be sure it is absent."""


def round_nonce(round_id: int) -> str:
    """The nonce of a round's post: Discord returns the first message for a repeat."""
    return f"round-{round_id}"[:25]


def is_round_post(message: dict[str, Any], round_id: int, bot_id: int | None) -> bool:
    """Tell whether a channel message is our post of a round (its Answer button, or nonce)."""
    author = (message.get("author") or {}).get("id")
    if bot_id is not None and author is not None and str(author) != str(bot_id):
        return False
    if message.get("nonce") == round_nonce(round_id):
        return True
    wanted = f"scalebot:answer:{round_id}"
    rows = message.get("components") or []
    return any(
        item.get("custom_id") == wanted for row in rows for item in row.get("components") or []
    )


def _post_title(message: dict[str, Any]) -> str:
    """The question's title on a post the bot made (its first embed's title), if any."""
    embeds = message.get("embeds") or [{}]
    title = embeds[0].get("title") if isinstance(embeds[0], dict) else None
    return title if isinstance(title, str) else ""


def unavailable(exc: discord.HTTPException) -> ChannelUnavailable:
    """Describe a refusal in one line, for the pause reason and the admins."""
    reason = exc.text.strip().splitlines()[0] if exc.text.strip() else exc.response.reason
    return ChannelUnavailable(
        _("Discord answered {status} ({reason})", status=str(exc.status), reason=reason)
    )


def ping_kwargs(role_id: str | None) -> dict[str, Any]:
    """The role mention of a post and mentions allowing exactly that role: no one else."""
    if role_id is None:
        return {}
    allowed = discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(int(role_id))], replied_user=False
    )
    return {"content": f"<@&{int(role_id)}>", "allowed_mentions": allowed}


def parse_ref(message_ref: str | None) -> tuple[str, int | None]:
    """Split a stored message reference into its kind and id."""
    kind, _, ident = (message_ref or "").partition(":")
    return kind, int(ident) if ident.isdigit() else None


class DiscordMessenger:
    """Posts through discord.py's REST layer, paced, turning 403/404 into ChannelUnavailable."""

    def __init__(self, client: ScaleClient, pacer: SharedPacer) -> None:
        """Post through a client, one request per pacer slot."""
        self.client = client
        self.pacer = pacer

    async def _paced(self, request: Callable[[], Awaitable[T]]) -> T:
        """Wait for a slot, then make the request (discord.py retries 429s itself)."""
        await self.pacer.wait()
        try:
            return await request()
        except discord.HTTPException as exc:
            code = str(exc.code or exc.status)  # Discord's JSON error code when it gave one
            metrics.PLATFORM_ERRORS.labels(platform="discord", code=code).inc()
            raise

    async def _to_channel(self, request: Callable[[], Awaitable[T]]) -> T:
        """Make a channel request; a channel that refuses us for good raises ChannelUnavailable."""
        try:
            return await self._paced(request)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise unavailable(exc) from exc

    def _channel(
        self, ref: ChannelRef, channel_id: int | None = None
    ) -> discord.PartialMessageable:
        """A channel (or thread) to post in, without needing it in the cache."""
        return self.client.get_partial_messageable(
            channel_id or int(ref.channel_id), guild_id=int(ref.workspace_id)
        )

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str:
        """Post the question with its Answer button and open a thread for discussion."""
        target = self._channel(channel)
        try:
            message = await self._to_channel(
                lambda: target.send(
                    **render(reply).send_kwargs(),
                    **ping_kwargs(reply.ping),
                    view=answer_view(round_id, translator(reply.language)),
                    nonce=round_nonce(round_id),  # discord.py adds enforce_nonce
                )
            )
        except discord.HTTPException as exc:
            if exc.status < 500:
                raise PostRefused(f"Discord answered {exc.status}") from exc
            raise  # a 5xx may have posted: the delivery looks before sending again
        name = translator(reply.language)(_("Discuss: {title}", title=reply.title))
        return await self._thread_for(channel, message.id, name)

    async def _thread_for(self, channel: ChannelRef, message_id: int, name: str) -> str:
        """Open the discussion thread on a post; the reference to store for the round."""
        thread_id = await self._open_thread(channel, message_id, name)
        if thread_id is None:
            return f"{MESSAGE_REF}:{message_id}"
        return thread_ref(thread_id)

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Look for the round's post among the channel's newest messages."""
        try:
            recent = await self._paced(
                lambda: self.client.http.logs_from(int(channel.channel_id), RECENT_MESSAGES)
            )
        except (discord.Forbidden, discord.NotFound):
            return None  # nothing can be visible there: posting again pauses it
        bot_id = self.client.user.id if self.client.user is not None else None
        for found in recent:
            if is_round_post(dict(found), round_id, bot_id):
                if found.get("thread"):
                    return thread_ref(int(found["id"]))
                name = _post_title(dict(found)) or round_nonce(round_id)
                return await self._thread_for(channel, int(found["id"]), name)
        if len(recent) >= RECENT_MESSAGES:
            oldest = discord.utils.snowflake_time(int(recent[-1]["id"]))
            if oldest > since - CLOCK_SKEW:
                raise SearchIncomplete(f"more than {RECENT_MESSAGES} messages since the post")
        return None

    def _may_open_threads(self, channel: ChannelRef) -> bool:
        """Tell whether the bot may start threads here (unknown channels are tried)."""
        cached = self.client.get_channel(int(channel.channel_id))
        if isinstance(cached, discord.TextChannel | discord.ForumChannel | discord.VoiceChannel):
            me = cached.guild.me
            return me is not None and cached.permissions_for(me).create_public_threads
        return cached is None

    async def _open_thread(self, channel: ChannelRef, message_id: int, name: str) -> int | None:
        """Start a thread on the post; None when threads are not allowed there."""
        if not self._may_open_threads(channel):
            return None
        try:
            data = await self._paced(
                lambda: self.client.http.start_thread_with_message(
                    int(channel.channel_id),
                    message_id,
                    name=clip(name, THREAD_NAME_LIMIT),
                    auto_archive_duration=ARCHIVE_AFTER_MINUTES,
                    reason="scalebot: discussion of the daily question",
                )
            )
        except discord.HTTPException as exc:
            log.info("no thread for %s: Discord answered %s", channel, exc.status)
            return None
        return int(data["id"])

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Post in the question's thread, else as a reply to the question in the channel."""
        kind, ident = parse_ref(thread)
        if kind == THREAD_REF and ident is not None:
            target = self._channel(channel, ident)
            try:
                await self._paced(lambda: target.send(**render(reply).send_kwargs()))
                return
            except (discord.Forbidden, discord.NotFound) as exc:
                log.info("thread %s refused the post (%s); replying in the channel", ident, exc)
        reference = None
        if ident is not None:
            reference = discord.MessageReference(
                message_id=ident,
                channel_id=int(channel.channel_id),
                fail_if_not_exists=False,
            )
        target = self._channel(channel)
        await self._to_channel(
            lambda: target.send(**render(reply).send_kwargs(), reference=reference)  # type: ignore[arg-type]
        )

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Send the notice to the server owner by DM, naming the channel."""
        where = f"<#{int(channel.channel_id)}>"
        about = translator(reply.language)(_("About {channel}:", channel=where))
        try:
            owner_id = await self._owner_id(int(channel.workspace_id))
            dm = await self._paced(lambda: self.client.create_dm(discord.Object(owner_id)))
            await self._paced(lambda: dm.send(content=about, **render(reply).send_kwargs()))
        except discord.HTTPException as exc:
            log.warning(
                "could not notify the admins of %s: Discord answered %s", channel, exc.status
            )

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """DM a member, each request paced."""
        dm = await self._paced(lambda: self.client.create_dm(discord.Object(int(user_id))))
        await self._paced(lambda: dm.send(**render(reply).send_kwargs()))

    async def _owner_id(self, guild_id: int) -> int:
        """The server owner's id, from the cache or from the API."""
        guild = self.client.get_guild(guild_id)
        if guild is not None and guild.owner_id is not None:
            return guild.owner_id
        data = await self._paced(lambda: self.client.http.get_guild(guild_id, with_counts=False))
        return int(data["owner_id"])
