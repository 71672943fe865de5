"""What every service needs: the database, the bank, the grader and the platform messengers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from scalebot.db.engine import Database
from scalebot.db.repository import Repository
from scalebot.domain.questions import QuestionBank
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.grading.feedback import Grader

MAX_ANSWER_CHARS = 4000


class UserError(Exception):
    """Bad input from a member: the message says, in one line, what to do instead."""


class ChannelUnavailable(Exception):
    """The platform refuses posts to a channel for good (deleted, archived, bot removed)."""


class Messenger(Protocol):
    """How services reach a platform's channels."""

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str | None:
        """Post a round's question; return a reference to the message for its thread."""
        ...

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Post under a question (its thread), or in the channel when there is no thread."""
        ...

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Tell the channel's admins something once (for example that posting failed)."""
        ...


@dataclass
class AppContext:
    """Shared dependencies, built once by the app and passed to every service."""

    db: Database
    bank: QuestionBank
    grader: Grader
    messengers: Mapping[str, Messenger] = field(default_factory=dict)
    # Called with a channel id after its schedule or state changed (the scheduler listens).
    channel_listeners: list[Callable[[int], Awaitable[None]]] = field(default_factory=list)

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
