"""Several processes on PostgreSQL: kill -9 mid fan-out, flaky Slack, the database going away."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import _skip_or_fail, postgres_url
from tests.faults.bots import (
    Fleet,
    ThrowawayPostgres,
    channel_id,
    command,
    duplicates,
    postgres_database,
    prepare,
    wait_for_responses,
    wait_until_settled,
)
from tests.platforms.slack.fake_slack import FakeSlack, Flakiness

pytestmark = pytest.mark.postgres
NO_QUESTION = "No question has been posted here yet"


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[Fleet]:
    """A fake Slack and a fresh PostgreSQL database for bot processes."""
    if postgres_url() is None:
        _skip_or_fail("set SCALEBOT_TEST_DATABASE_URL to run PostgreSQL fault tests")
    fake = FakeSlack()
    await fake.start()
    async with postgres_database() as url:
        fleet = Fleet(fake, url, tmp_path)
        try:
            yield fleet
        finally:
            await fleet.close()
            await fake.close()


async def wait_for_posts(fake: FakeSlack, count: int) -> None:
    """Wait until the fake has accepted `count` question posts."""
    for _ in range(1200):
        if sum(len(v) for v in fake.history.values()) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} posts arrived")


async def test_three_processes_killed_mid_fan_out_post_every_channel_once(fleet: Fleet) -> None:
    count = 200
    await prepare(fleet.database_url, count)
    fleet.fake.flaky.pace = 0.02  # about 4 s of fan-out, serialised like a busy workspace
    bots = list(await asyncio.gather(*(fleet.launch() for _ in range(3))))
    await wait_for_posts(fleet.fake, 40)
    await bots[0].stop(signal.SIGKILL)  # mid fan-out: its claims and requests in flight stay
    replacement = await fleet.launch()
    started = asyncio.get_running_loop().time()
    states = await wait_until_settled(fleet.fake, fleet.database_url, count, within=180)
    took = asyncio.get_running_loop().time() - started
    assert [c for c, s in states.items() if s != ["posted"]] == []
    assert duplicates(fleet.fake, count) == {}
    assert took < 180
    async with aiohttp.ClientSession() as session:
        for index in range(count):
            target = (bots[1], bots[2], replacement)[index % 3]
            await command(session, target, fleet.fake, channel_id(index), "today", "U1")
    await wait_for_responses(fleet.fake, count)
    assert not [r for r in fleet.fake.responses if NO_QUESTION in r["text"]]
    for bot in (bots[1], bots[2], replacement):
        assert await bot.stop() == 0


async def test_rate_limits_server_errors_and_late_replies_still_give_one_post(
    fleet: Fleet,
) -> None:
    """10% 429, 10% 5xx (half of them after storing the post), 10% replies after the timeout."""
    count = 100
    await prepare(fleet.database_url, count)
    fleet.fake.flaky = Flakiness(
        rate_limited=0.1, server_errors=0.1, reply_delay=3.0, late_share=0.1, seed=7
    )
    bots = list(await asyncio.gather(*(fleet.launch() for _ in range(2))))
    states = await wait_until_settled(fleet.fake, fleet.database_url, count, within=120)
    assert [c for c, s in states.items() if s != ["posted"]] == []
    assert duplicates(fleet.fake, count) == {}
    for bot in bots:
        assert await bot.stop() == 0


@pytest.fixture
def own_postgres() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL server of our own, never the shared one."""
    if not ThrowawayPostgres.available():
        pytest.skip("initdb and pg_ctl are needed for the database outage test")
    server = ThrowawayPostgres()
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.destroy()


async def test_database_stopped_mid_fan_out_and_restarted_resolves_every_round_once(
    own_postgres: ThrowawayPostgres, tmp_path: Path
) -> None:
    count = 100
    fake = FakeSlack()
    await fake.start()
    fleet = Fleet(fake, own_postgres.url, tmp_path)
    try:
        await prepare(fleet.database_url, count)
        fake.flaky.pace = 0.03
        bot = await fleet.launch()
        await wait_for_posts(fake, 20)
        own_postgres.stop()
        await asyncio.sleep(3)
        own_postgres.start()
        states = await wait_until_settled(fake, fleet.database_url, count, within=150)
        assert [c for c, s in states.items() if s != ["posted"]] == []
        assert duplicates(fake, count) == {}
        assert bot.process.returncode is None  # it lived through the outage
        assert await bot.stop() == 0
    finally:
        await fleet.close()
        await fake.close()
