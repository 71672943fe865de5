"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from scalebot.bank.loader import load_bank
from scalebot.db.engine import Database
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.grading.rubric import RubricGrader
from scalebot.services.context import AppContext

T = TypeVar("T")


class SilentMessenger:
    """A platform that accepts every post instantly: what remains is the bot's own cost."""

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str:
        """Accept a question post."""
        return f"m{round_id}"

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Every accepted post is visible at once."""
        return f"m{round_id}"

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Accept a thread post."""

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Accept an admin notice."""

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """Accept a private message."""


def bench_context(database: Database, platform: str) -> AppContext:
    """An app context on a database, with the shipped bank, the rubric grader, no platform."""
    return AppContext(
        db=database,
        bank=load_bank(),
        grader=RubricGrader(),
        messengers={platform: SilentMessenger()},
    )


async def timed(work: Awaitable[T]) -> tuple[float, T]:
    """Await some work; return its wall time in milliseconds and its result."""
    started = time.perf_counter()
    result = await work
    return (time.perf_counter() - started) * 1000, result


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at a fraction of the sorted list (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def summary_ms(samples: list[float]) -> dict[str, float]:
    """p50 and p99 of samples in milliseconds, rounded for printing."""
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
    }


class StatementCount:
    """How many SQL statements (BEGIN included) an engine ran while counting."""

    def __init__(self) -> None:
        """Nothing counted yet."""
        self.statements = 0

    def seen(self, *_args: Any) -> None:
        """Count one statement."""
        self.statements += 1


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[StatementCount]:
    """Count the statements an engine sends to its database inside the block."""
    count = StatementCount()
    event.listen(engine.sync_engine, "before_cursor_execute", count.seen)
    try:
        yield count
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count.seen)
