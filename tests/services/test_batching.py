"""Round writes of many callers share transactions; one caller's error stays its own."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from scalebot.db.repository import Repository
from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import PostStatus, RoundStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.services import answers, channels, rounds, standings
from scalebot.services.batching import WriteBatcher, each
from scalebot.services.context import AppContext
from tests.conftest import ALICE, FakeMessenger

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Transactions:
    """Counts the transactions an engine begins."""

    def __init__(self) -> None:
        """None yet."""
        self.begun = 0

    def seen(self, *_args: Any) -> None:
        """Count one."""
        self.begun += 1


async def enroll_many(ctx: AppContext, count: int) -> list[int]:
    """Enroll `count` channels at 09:00 UTC daily."""
    ids = []
    for n in range(count):
        info = await channels.enroll_channel(
            ctx,
            channel=ChannelRef("test", "W1", f"C{n:03d}"),
            schedule=Schedule(time(9), Days.DAILY, "UTC"),
            now=MONDAY_9,
        )
        ids.append(info.id)
    return ids


async def test_a_fan_out_claims_and_records_rounds_in_shared_transactions(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    ids = await enroll_many(ctx, 20)
    transactions = Transactions()
    event.listen(ctx.db.engine.sync_engine, "begin", transactions.seen)
    try:
        outcomes = await asyncio.gather(
            *(rounds.post_round(ctx, channel_id=i, now=MONDAY_9, due_only=True) for i in ids)
        )
    finally:
        event.remove(ctx.db.engine.sync_engine, "begin", transactions.seen)
    assert all(outcome.status is PostStatus.POSTED for outcome in outcomes)
    assert Counter(channel for channel, _, _ in messenger.questions) == {
        ChannelRef("test", "W1", f"C{n:03d}"): 1 for n in range(20)
    }
    # One by one, each round took three write transactions (claim, sending, posted).
    assert transactions.begun < 20


async def test_a_due_only_claim_of_a_channel_not_due_yet_claims_nothing(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    [channel_id] = await enroll_many(ctx, 1)
    early = MONDAY_9.replace(hour=8)
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=early, due_only=True)
    assert outcome.status is PostStatus.NOT_DUE
    assert not messenger.questions
    later = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9, due_only=True)
    assert later.status is PostStatus.POSTED


async def test_an_item_that_fails_its_batch_fails_alone(ctx: AppContext) -> None:
    async def record(repo: Repository, name: str) -> bool:
        if name == "bad":
            raise ValueError("refused")
        return await repo.record_event(platform="test", event_id=name, now=MONDAY_9)

    batcher: WriteBatcher[str, bool] = WriteBatcher(ctx.writing, each(record), key=str)
    names = ["a", "b", "bad", "c"]
    results = await asyncio.gather(*(batcher.write(n) for n in names), return_exceptions=True)
    # Each stored once: the failed batch was rolled back before its items were written alone.
    assert [results[0], results[1], results[3]] == [True, True, True]
    assert isinstance(results[2], ValueError)
    async with ctx.reading() as repo:
        for name in ("a", "b", "c"):
            assert await repo.event_recorded(platform="test", event_id=name)


async def test_a_lone_write_waits_for_no_batch(ctx: AppContext) -> None:
    async def record(repo: Repository, name: str) -> bool:
        return await repo.record_event(platform="test", event_id=name, now=MONDAY_9)

    batcher: WriteBatcher[str, bool] = WriteBatcher(ctx.writing, each(record), key=str)
    assert await asyncio.wait_for(batcher.write("alone"), 5) is True
    with pytest.raises(ValueError, match="x"):
        await WriteBatcher(ctx.writing, each(_refuse), key=str).write("x")


async def _refuse(_repo: Repository, name: str) -> bool:
    raise ValueError(name)


class Statements:
    """Counts the SQL statements an engine runs (an executemany counts once)."""

    def __init__(self) -> None:
        """None yet."""
        self.run = 0

    def seen(self, *_args: Any) -> None:
        """Count one."""
        self.run += 1


async def test_a_fan_out_reads_and_writes_each_kind_of_row_once_per_batch(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    ids = await enroll_many(ctx, 40)
    statements = Statements()
    event.listen(ctx.db.engine.sync_engine, "before_cursor_execute", statements.seen)
    try:
        outcomes = await asyncio.gather(
            *(rounds.post_round(ctx, channel_id=i, now=MONDAY_9, due_only=True) for i in ids)
        )
    finally:
        event.remove(ctx.db.engine.sync_engine, "before_cursor_execute", statements.seen)
    assert all(outcome.status is PostStatus.POSTED for outcome in outcomes)
    assert len(messenger.questions) == 40
    # Channel by channel it took 16 statements each (9 claiming, 1 sending, 6 recording).
    assert statements.run < 2 * len(ids)


async def test_a_second_fan_out_closes_every_channels_round_and_breaks_missed_streaks(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    ids = await enroll_many(ctx, 6)
    first = await asyncio.gather(*(rounds.post_round(ctx, channel_id=i, now=MONDAY_9) for i in ids))
    alice_in = ChannelRef("test", "W1", "C000")
    await answers.submit_answer(ctx, channel=alice_in, user=ALICE, text="Cache.", now=MONDAY_9)
    tuesday = MONDAY_9 + timedelta(days=1)
    second = await asyncio.gather(*(rounds.post_round(ctx, channel_id=i, now=tuesday) for i in ids))
    wednesday = tuesday + timedelta(days=1)
    await asyncio.gather(*(rounds.post_round(ctx, channel_id=i, now=wednesday) for i in ids))
    assert [o.closed_round_ids for o in second] == [(o.round_id,) for o in first]
    assert [o.seq for o in second] == [2] * 6
    summarised = [thread for _c, thread, _r in messenger.thread_posts][:6]
    assert sorted(map(str, summarised)) == sorted(f"msg-{o.round_id}" for o in first)
    async with ctx.reading() as repo:
        for outcome in first:
            closed = await repo.get_round(round_id=outcome.round_id or 0)
            assert closed is not None
            assert closed.status == RoundStatus.CLOSED
    # Alice answered Monday only: Tuesday closed unanswered when Wednesday's round posted.
    view = await standings.read_streak(ctx, channel=alice_in, user=ALICE)
    assert view.current == 0


async def test_a_manual_post_beside_the_scheduled_one_posts_the_channel_once(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    ids = await enroll_many(ctx, 3)
    outcomes = await asyncio.gather(
        *(rounds.post_round(ctx, channel_id=i, now=MONDAY_9, due_only=True) for i in ids),
        rounds.post_round(ctx, channel_id=ids[1], now=MONDAY_9, manual=True),
    )
    assert Counter(channel for channel, _, _ in messenger.questions) == {
        ChannelRef("test", "W1", f"C{n:03d}"): 1 for n in range(3)
    }
    both = [outcomes[1], outcomes[3]]
    assert sorted(o.status for o in both) == sorted([PostStatus.POSTED, PostStatus.PENDING])
    assert {o.round_id for o in both} == {outcomes[1].round_id}
