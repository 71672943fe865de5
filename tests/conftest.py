"""Shared fixtures: every database test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from scalebot.bank.loader import load_bank
from scalebot.db.engine import Database
from scalebot.db.models import Base
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply
from scalebot.grading.rubric import RubricGrader
from scalebot.services.context import AppContext, ChannelUnavailable
from scalebot.services.questions import sync_questions

POSTGRES_URL_ENV = "SCALEBOT_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL for tests, or None (then PostgreSQL tests skip)."""
    return os.environ.get(POSTGRES_URL_ENV) or None


def _skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; fail in CI, where PostgreSQL is required."""
    if os.environ.get("SCALEBOT_TEST_REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class DatabaseTarget:
    """A database for one test: its URL, engine options and a cleanup."""

    kind: str
    url: str
    options: dict[str, object] = field(default_factory=dict)
    schema: str | None = None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_target(
    request: pytest.FixtureRequest, tmp_path: object
) -> AsyncIterator[DatabaseTarget]:
    """An empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield DatabaseTarget("sqlite", f"sqlite:///{tmp_path}/scalebot-test.db")
        return
    base = postgres_url()
    if base is None:
        _skip_or_fail(f"set {POSTGRES_URL_ENV} to run PostgreSQL tests")
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(base)
    try:
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except OSError as exc:
        await admin.dispose()
        _skip_or_fail(f"PostgreSQL at {base} is unreachable: {exc}")
        return
    options: dict[str, object] = {"connect_args": {"server_settings": {"search_path": schema}}}
    try:
        yield DatabaseTarget("postgresql", base, options, schema)
    finally:
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


@pytest.fixture
async def database(db_target: DatabaseTarget) -> AsyncIterator[Database]:
    """A database with the schema created from the models."""
    database = Database.from_url(db_target.url, **db_target.options)
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield database
    finally:
        await database.dispose()


class FakeMessenger:
    """Records what services post; can be told to fail."""

    def __init__(self) -> None:
        """Start with no posts and no failures."""
        self.questions: list[tuple[ChannelRef, Reply, int]] = []
        self.thread_posts: list[tuple[ChannelRef, str | None, Reply]] = []
        self.admin_notices: list[tuple[ChannelRef, Reply]] = []
        self.private: list[tuple[ChannelRef, str, Reply]] = []
        self.fail_with: BaseException | None = None
        self.lose_replies = 0  # posts that go out but whose reply is lost
        self.lookups: list[int] = []
        self.lookup_fails: Exception | None = None
        self.timeline: list[str] = []  # "question <round id>" and "thread <ref>", in order

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str:
        """Record a question post (or fail as told)."""
        if self.fail_with is not None:
            raise self.fail_with
        self.questions.append((channel, reply, round_id))
        self.timeline.append(f"question {round_id}")
        if self.lose_replies:
            self.lose_replies -= 1
            raise ConnectionResetError("the reply was lost")
        return f"msg-{round_id}"

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Find a recorded post of a round (or fail as told)."""
        self.lookups.append(round_id)
        if self.lookup_fails is not None:
            raise self.lookup_fails
        posted = any(r == round_id and c == channel for c, _reply, r in self.questions)
        return f"msg-{round_id}" if posted else None

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Record a thread post."""
        self.thread_posts.append((channel, thread, reply))
        self.timeline.append(f"thread {thread}")

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Record an admin notice."""
        self.admin_notices.append((channel, reply))

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """Record a private message to a member."""
        self.private.append((channel, user_id, reply))

    def refuse(self, reason: str = "channel_not_found") -> None:
        """Make every post fail as if the channel were gone."""
        self.fail_with = ChannelUnavailable(reason)


@pytest.fixture
def messenger() -> FakeMessenger:
    """A recording messenger for the 'test' platform."""
    return FakeMessenger()


@pytest.fixture
async def ctx(database: Database, messenger: FakeMessenger) -> AppContext:
    """A context on the shipped bank, synced, with the fake messenger."""
    context = AppContext(database, load_bank(), RubricGrader(), {"test": messenger})
    await sync_questions(context, now=datetime(2026, 1, 1, tzinfo=UTC))
    return context


CHANNEL = ChannelRef("test", "W1", "C1")
ALICE = UserRef("test", "W1", "U-alice", "Alice")
BOB = UserRef("test", "W1", "U-bob", "Bob")
