"""Measure Discord defer/feedback latency and fan-out pacing through real HTTP (not a test).

Run: .venv/bin/python -m tests.platforms.discord.bench_discord [ANSWERS] [CHANNELS] [DATABASE_URL]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime

from scalebot.bank.loader import load_bank
from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.grading.rubric import RubricGrader
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import channels
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Clock, logged_in
from tests.platforms.discord.fake_discord import APP_ID, GUILD_ID, FakeDiscord
from tests.platforms.discord.payloads import form, interaction
from tests.platforms.slack.bench_ack import drop_schema, fresh_database, percentiles

ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, watch p99 latency."


async def answers(ctx: AppContext, fake: FakeDiscord, clock: Clock, count: int) -> None:
    """Submit `count` answer forms one after another; time the defer and the feedback."""
    adapter = await logged_in(ctx, fake, clock)
    try:
        schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
        info = await channels.enroll_channel(
            ctx, channel=DISCORD_CHANNEL, schedule=schedule, now=clock()
        )
        await RoundScheduler(ctx, clock).fire(info.id)
        defers: list[float] = []
        feedback: list[float] = []
        for number in range(count):
            payload = interaction(
                5, form("scalebot:answer-form:0", f"{ANSWER} ({number})"), user_id=10**17 + number
            )
            token = payload["token"]
            started = time.perf_counter()
            adapter.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
            await fake.wait_for("POST", rf"^/interactions/\d+/{token}/callback$")
            defers.append((time.perf_counter() - started) * 1000)
            await fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{token}$")
            feedback.append((time.perf_counter() - started) * 1000)
        print(f"  {count} × answer form submitted (one after another)")
        print(f"  defer reaches Discord:      {percentiles(defers)}")
        print(f"  private feedback reaches it: {percentiles(feedback)}")
    finally:
        await adapter.client.close()


async def fan_out(ctx: AppContext, fake: FakeDiscord, clock: Clock, count: int) -> None:
    """Fire `count` channels' rounds at the same moment; report the request rate Discord sees."""
    adapter = await logged_in(ctx, fake, clock)
    try:
        schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
        ids = []
        for number in range(count):
            ref = ChannelRef("discord", str(GUILD_ID), str(300000000000000000 + number))
            info = await channels.enroll_channel(ctx, channel=ref, schedule=schedule, now=clock())
            ids.append(info.id)
        before = len(fake.requests)
        started = time.perf_counter()
        scheduler = RoundScheduler(ctx, clock)
        await asyncio.gather(*(scheduler.fire(i) for i in ids))
        elapsed = time.perf_counter() - started
        times = [r.at for r in fake.requests[before:]]
        busiest = max(sum(1 for s in times if t <= s < t + 1.0) for t in times)
        print(f"  {count} channels due at once: {len(times)} requests in {elapsed:.2f} s")
        print(f"  busiest 1-second window: {busiest} requests (Discord's limit: 50)")
    finally:
        await adapter.client.close()


async def bench(count: int, channel_count: int, url: str) -> None:
    """Run both measurements on a fresh database."""
    database = await fresh_database(url)
    ctx = AppContext(database, load_bank(), RubricGrader())
    await sync_questions(ctx, now=datetime.now(UTC))
    fake = FakeDiscord()
    await fake.start()
    clock = Clock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    print(f"{url.split(':')[0]}:")
    try:
        await answers(ctx, fake, clock, count)
        await fan_out(ctx, fake, clock, channel_count)
    finally:
        await fake.close()
        await drop_schema(database, url)
        await database.dispose()


def main() -> None:
    """Parse the counts and the database URL (default: a temporary SQLite file)."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    channel_count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[3] if len(sys.argv) > 3 else f"sqlite:///{folder}/bench.db"
        asyncio.run(bench(count, channel_count, url))


if __name__ == "__main__":
    main()
