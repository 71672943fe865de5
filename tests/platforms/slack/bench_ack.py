"""Measure Slack ack and feedback latency through real HTTP (not a test: no timing asserts).

Run: .venv/bin/python -m tests.platforms.slack.bench_ack [N] [DATABASE_URL]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

from scalebot.bank.loader import load_bank
from scalebot.db.engine import Database
from scalebot.db.models import Base
from scalebot.grading.rubric import RubricGrader
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions
from tests.platforms.slack.conftest import ADMIN, config_for, start_bot
from tests.platforms.slack.fake_slack import FakeSlack

ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, watch p99 latency."


def percentiles(samples: list[float]) -> str:
    """p50 / p95 / max in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms · p95 {p95:.1f} ms · max {ordered[-1]:.1f} ms"


async def fresh_database(url: str) -> Database:
    """An empty schema: the SQLite file as given, or a new PostgreSQL schema."""
    options: dict[str, object] = {}
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = Database.from_url(url)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await admin.dispose()
        options = {"connect_args": {"server_settings": {"search_path": schema}}}
    database = Database.from_url(url, **options)
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return database


async def drop_schema(database: Database, url: str) -> None:
    """Drop the PostgreSQL schema the bench created."""
    if not url.startswith("postgresql"):
        return
    async with database.engine.begin() as connection:
        schema = await connection.exec_driver_sql("SELECT current_schema()")
        name = schema.scalar_one()
        await connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')


async def bench(count: int, url: str) -> None:
    """Send `count` `/scale answer` commands one after another; time the ack and the feedback."""
    database = await fresh_database(url)
    ctx = AppContext(database, load_bank(), RubricGrader())
    await sync_questions(ctx, now=datetime.now(UTC))
    fake = FakeSlack()
    await fake.start()
    bot = await start_bot(ctx, fake, config_for(fake), process_before_response=False)
    try:
        await bot.command("admin setup 09:00 UTC", user=ADMIN)
        await fake.wait_for_responses(1)
        await bot.command("admin post-now", user=ADMIN)
        await fake.wait_for_responses(2)
        acks: list[float] = []
        feedback: list[float] = []
        for number in range(count):
            started = time.perf_counter()
            status, _ = await bot.command(f"answer {ANSWER} ({number})", user=f"U{number:05d}")
            acks.append((time.perf_counter() - started) * 1000)
            await fake.wait_for_responses(3 + number)
            feedback.append((time.perf_counter() - started) * 1000)
            assert status == 200
        print(f"{url.split(':')[0]}: {count} × /scale answer over HTTP")
        print(f"  ack (HTTP 200):           {percentiles(acks)}")
        print(f"  private feedback arrives: {percentiles(feedback)}")
    finally:
        await bot.session.close()
        await bot.adapter.stop()
        await fake.close()
        await drop_schema(database, url)
        await database.dispose()


def main() -> None:
    """Parse N and the database URL (default: a temporary SQLite file)."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{folder}/bench.db"
        asyncio.run(bench(count, url))


if __name__ == "__main__":
    main()
