"""One process on a SQLite file: refused twins, graceful SIGTERM, a thousand rounds, restarts."""

from __future__ import annotations

import asyncio
import random
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from scalebot.db.engine import Database
from tests.faults.bots import (
    Fleet,
    channel_id,
    command,
    duplicates,
    prepare,
    wait_for_responses,
    wait_until_settled,
)
from tests.platforms.slack.fake_slack import FakeSlack

ANSWER = "answer I would shard the data, cache hot predictions and autoscale the replicas."


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[Fleet]:
    """A fake Slack and a SQLite file for bot processes."""
    fake = FakeSlack()
    await fake.start()
    fleet = Fleet(fake, f"sqlite:///{tmp_path}/bot.db", tmp_path)
    try:
        yield fleet
    finally:
        await fleet.close()
        await fake.close()


async def test_a_second_process_on_the_same_file_refuses_to_start(fleet: Fleet) -> None:
    await prepare(fleet.database_url, 1)
    first = await fleet.launch()
    second = await fleet.launch(wait=False)
    assert await asyncio.wait_for(second.process.wait(), 60) == 2
    lines = second.stderr.read_text().strip().splitlines()
    assert len(lines) == 1
    assert "another scalebot process is using" in lines[0]
    assert "PostgreSQL" in lines[0]
    assert await first.stop() == 0


async def answers_in_flight(fleet: Fleet, count: int) -> tuple[asyncio.Event, list[int]]:
    """Start a bot, wait for its round, and send `count` answers that stall on users.info."""
    await prepare(fleet.database_url, 1)
    bot = await fleet.launch()
    await wait_until_settled(fleet.fake, fleet.database_url, 1, within=30)
    held = fleet.fake.block("users.info")
    async with aiohttp.ClientSession() as session:
        statuses = await asyncio.gather(
            *(
                command(session, bot, fleet.fake, channel_id(0), ANSWER, f"U{i}")
                for i in range(count)
            )
        )
    for _ in range(200):
        if len(fleet.fake.calls_to("users.info")) >= count:
            break
        await asyncio.sleep(0.05)
    return held, list(statuses)


async def stored_answers(database_url: str) -> int:
    """How many answers the database holds."""
    database = Database.from_url(database_url)
    try:
        async with database.session() as session:
            return int((await session.execute(text("SELECT count(*) FROM answers"))).scalar_one())
    finally:
        await database.dispose()


async def test_sigterm_finishes_the_answers_in_flight_and_exits_0(fleet: Fleet) -> None:
    held, statuses = await answers_in_flight(fleet, 10)
    assert statuses == [200] * 10  # acknowledged before any work, as Slack requires
    bot = fleet.bots[0]
    bot.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.5)
    assert bot.process.returncode is None  # still finishing
    held.set()
    assert await bot.stop(within=30) == 0
    assert await stored_answers(fleet.database_url) == 10
    feedback = [r for r in fleet.fake.responses if r["text"].startswith("Score ")]
    assert len(feedback) == 10


async def test_answers_that_cannot_finish_in_the_grace_are_told(fleet: Fleet) -> None:
    fleet.extra_env["SCALEBOT_SHUTDOWN_GRACE"] = "1"
    _held, _statuses = await answers_in_flight(fleet, 10)
    bot = fleet.bots[0]
    assert await bot.stop(signal.SIGTERM, within=30) == 0
    told = [r for r in fleet.fake.responses if "restarting" in r["text"]]
    assert sorted(r["url_name"] for r in told) == sorted(f"C00000-U{i}" for i in range(10))
    assert await stored_answers(fleet.database_url) == 0


async def test_a_thousand_channels_due_at_once_get_one_post_each(fleet: Fleet) -> None:
    count = 1000
    await prepare(fleet.database_url, count)
    bot = await fleet.launch()
    async with aiohttp.ClientSession() as session:
        # Members keep asking while the fan-out runs: none of them may get an apology.
        asked = await asyncio.gather(
            *(
                command(session, bot, fleet.fake, channel_id(i), "help", f"U{i}")
                for i in range(0, count, 10)
            )
        )
    states = await wait_until_settled(fleet.fake, fleet.database_url, count, within=240)
    assert [c for c, s in states.items() if s != ["posted"]] == []
    assert duplicates(fleet.fake, count) == {}
    assert asked == [200] * len(asked)
    await wait_for_responses(fleet.fake, len(asked))
    assert not [r for r in fleet.fake.responses if "went wrong" in r["text"]]
    assert "database is locked" not in bot.stderr.read_text()
    assert await bot.stop() == 0


async def test_ten_restarts_around_the_post_time_post_each_round_once(fleet: Fleet) -> None:
    count = 60
    await prepare(fleet.database_url, count)
    fleet.fake.flaky.pace = 0.01  # a fan-out of about a second, to be interrupted
    dice = random.Random(10)
    for _ in range(10):
        bot = await fleet.launch()
        await asyncio.sleep(dice.uniform(0.0, 1.0))
        await bot.stop(signal.SIGKILL)
    final = await fleet.launch()
    states = await wait_until_settled(fleet.fake, fleet.database_url, count, within=90)
    assert [c for c, s in states.items() if s != ["posted"]] == []
    assert duplicates(fleet.fake, count) == {}
    assert await final.stop() == 0
