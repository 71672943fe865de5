"""What every service needs: the database, the bank, the grader and the platform messengers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, overload

from scalebot.db.engine import Database
from scalebot.db.repository import Repository
from scalebot.domain.questions import QuestionBank
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply, error
from scalebot.domain.schedule import ScheduleError
from scalebot.grading.feedback import Grader
from scalebot.locales import Language, Text, Translator, _
from scalebot.services.batching import WriteBatcher

MAX_ANSWER_CHARS = 4000
log = logging.getLogger(__name__)


class UserError(Exception):
    """Bad input from a member: the message says, in one line, what to do instead."""

    def __init__(self, message: Text) -> None:
        """Keep the (lazy) message, translated where the reply is built."""
        super().__init__(message)
        self.message = message


class HasReply(Protocol):
    """A use case's result that carries the reply to show."""

    @property
    def reply(self) -> Reply:
        """The reply for the member."""
        ...


@overload
async def reply_of(call: Awaitable[HasReply], t: Translator) -> Reply: ...
@overload
async def reply_of(call: Awaitable[HasReply | None], t: Translator) -> Reply | None: ...
async def reply_of(call: Awaitable[HasReply | None], t: Translator) -> Reply | None:
    """Await one use case for its reply; bad input becomes the error reply that explains it."""
    try:
        result = await call
    except (UserError, ScheduleError) as exc:
        return error(t(exc.message))
    return None if result is None else result.reply


class ChannelUnavailable(Exception):
    """The platform refuses posts to a channel for good (deleted, archived, bot removed)."""


RESTARTING = _(
    "scalebot is restarting and could not finish this: nothing was saved. "
    "Send it again in a minute."
)
# How long telling a member that their request was dropped may take at shutdown.
ABANDON_TIMEOUT = 3.0


class InFlight:
    """Members' requests being worked on, so a shutdown can finish them or tell the member."""

    def __init__(self) -> None:
        """Nothing in flight, accepting work."""
        self.closing = False
        self._held: dict[asyncio.Task[Any], Callable[[], Awaitable[None]]] = {}

    def __len__(self) -> int:
        """How many requests are in flight."""
        return len(self._held)

    async def run(
        self, work: Coroutine[Any, Any, None], *, abandon: Callable[[], Awaitable[None]]
    ) -> None:
        """Do a member's request; once shutting down, refuse it with `abandon` instead."""
        task = asyncio.current_task()
        if self.closing or task is None:
            work.close()
            await abandon()
            return
        self._held[task] = abandon
        try:
            await work
        finally:
            self._held.pop(task, None)

    async def drain(self, grace: float) -> int:
        """Stop taking work, wait up to `grace` seconds, then cancel the rest and tell them."""
        self.closing = True
        if not self._held:
            return 0
        _done, pending = await asyncio.wait(list(self._held), timeout=grace)
        abandons = [self._held[task] for task in pending if task in self._held]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for abandon in abandons:
            try:
                async with asyncio.timeout(ABANDON_TIMEOUT):
                    await abandon()
            except Exception as exc:
                log.warning("could not tell a member their request was dropped: %r", exc)
        return len(abandons)


class PostRefused(Exception):
    """The platform answered and did not post (a 4xx, a rate limit): a later retry may work."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long a claim is held, how long a post may take, and how failed posts are retried."""

    # A process that claimed a round owns it this long; then any process's watchdog may act.
    lease: timedelta = timedelta(seconds=90)
    # The longest one request to post a question may take before its outcome counts as unknown.
    post_timeout: timedelta = timedelta(seconds=30)
    # After an unknown outcome, wait this long before asking the platform (it may still land).
    settle: timedelta = timedelta(seconds=10)
    watchdog_every: timedelta = timedelta(seconds=30)
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(minutes=30)
    # Round posts in flight at once in one process: 8 would leave Slack workspaces idle (each
    # posts 5/s); 64 keep the pacers busy while a post still waits seconds, not its post_timeout.
    round_jobs: int = 64
    # Reminders: a nudge this long before the open round closes (the next round's post time),
    # looked for this often.
    remind_before: timedelta = timedelta(hours=3)
    remind_every: timedelta = timedelta(minutes=5)

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff after `attempts` failed attempts, capped."""
        factor = 2 ** max(0, min(attempts - 1, 16))
        delay: timedelta = min(self.retry_cap, self.retry_base * factor)
        return delay


class Messenger(Protocol):
    """How services reach a platform's channels."""

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str | None:
        """Post a round's question; return a reference to the message for its thread."""
        ...

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Look for a round's post sent after `since`: its reference, or None when shown absent.

        Raises when the platform cannot tell (an error, too many messages to search).
        """
        ...

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Post under a question (its thread), or in the channel when there is no thread."""
        ...

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Tell the channel's admins something once (for example that posting failed)."""
        ...

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """Send one member a private message about a channel (a DM), paced like posts."""
        ...


@dataclass
class AppContext:
    """Shared dependencies, built once by the app and passed to every service."""

    db: Database
    bank: QuestionBank
    grader: Grader
    messengers: Mapping[str, Messenger] = field(default_factory=dict)
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    inflight: InFlight = field(default_factory=InFlight)
    # New channels speak it, and so do members in channels that are not enrolled.
    language: Language = Language.EN
    # Called with a channel id after its schedule or state changed (the scheduler listens).
    channel_listeners: list[Callable[[int], Awaitable[None]]] = field(default_factory=list)
    # Writes that many callers share a transaction for (round claims in a fan-out), by name.
    batchers: dict[str, WriteBatcher[Any, Any]] = field(default_factory=dict)

    async def channel_changed(self, channel_id: int) -> None:
        """Tell listeners that a channel's schedule or state changed."""
        for listener in self.channel_listeners:
            await listener(channel_id)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Repository]:
        """Open a read transaction."""
        async with self.db.session() as session:
            yield Repository(session)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[Repository]:
        """Open a write transaction (it takes SQLite's write lock up front)."""
        async with self.db.session(write=True) as session:
            yield Repository(session)

    def messenger(self, platform: str) -> Messenger:
        """Return the messenger for a platform."""
        try:
            return self.messengers[platform]
        except KeyError:
            raise LookupError(f"no messenger for platform {platform!r}") from None
