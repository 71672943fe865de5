"""`scalebot bench ingest`: submit_answer against plain SQL inserts of the same rows.

Both run in one process on one database, in alternating blocks, so the machine's noise hits
both alike; the plain path writes the rows submit_answer writes (member, streak, answer, three
point totals) in one transaction per answer, with the same engine and durability settings.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import insert

from scalebot.bench.community import PLATFORM, Community, seed_community
from scalebot.bench.databases import scratch_database
from scalebot.bench.timing import (
    StatementCount,
    bench_context,
    counting_statements,
    percentile,
)
from scalebot.db.engine import Database
from scalebot.db.models import Answer, PointTotal, Streak, User
from scalebot.domain.leaderboard import WINDOWS
from scalebot.services.answers import submit_answer
from scalebot.services.context import AppContext

BLOCK = 50
ANSWER = (
    "I would start with a baseline on one machine and measure where time goes. Because the "
    "data grows daily, I would shard training with data parallelism across GPUs, checkpoint "
    "every hour so a lost node costs little, and retrain weekly when drift shows in the "
    "monitoring. Serving goes behind an autoscaled API with a cache for repeated requests."
)
RAW_MEMBERS_FROM = 10_000_000


async def bench_ingest(*, url: str | None, answers: int, concurrency: int) -> dict[str, Any]:
    """Measure answers/s through the service and through plain inserts, side by side."""
    async with scratch_database(url) as database:
        ctx = bench_context(database, PLATFORM)
        community = await seed_community(ctx, users=0, answers=0, rounds=1)
        service_s = raw_s = 0.0
        latencies: list[float] = []
        service_sql, raw_sql = StatementCount(), StatementCount()
        for start in range(0, answers, BLOCK):
            numbers = range(start, min(answers, start + BLOCK))
            with counting_statements(database.engine) as counted:
                service_s += await _service_block(ctx, community, numbers, latencies)
            service_sql.statements += counted.statements
            with counting_statements(database.engine) as counted:
                raw_s += await _raw_block(database, community, numbers)
            raw_sql.statements += counted.statements
        concurrent_s = await _concurrent(ctx, community, answers, concurrency)
        backend = database.engine.dialect.name
    service_rate, raw_rate = answers / service_s, answers / raw_s
    return {
        "backend": backend,
        "answers": answers,
        "answers_per_s": round(service_rate, 1),
        "raw_inserts_per_s": round(raw_rate, 1),
        "ratio": round(service_rate / raw_rate, 3),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "concurrency": concurrency,
        "concurrent_answers_per_s": round(answers / concurrent_s, 1),
        "concurrent_speedup": round(service_s / concurrent_s, 2),
        "statements_per_answer": round(service_sql.statements / answers, 1),
        "raw_statements_per_answer": round(raw_sql.statements / answers, 1),
    }


async def _service_block(
    ctx: AppContext, community: Community, numbers: range, latencies: list[float]
) -> float:
    """Submit one answer per member through the service; return the seconds taken."""
    started = time.perf_counter()
    for number in numbers:
        before = time.perf_counter()
        await submit_answer(
            ctx,
            channel=community.channel,
            user=community.member(number),
            text=ANSWER,
            now=community.now,
        )
        latencies.append((time.perf_counter() - before) * 1000)
    return time.perf_counter() - started


async def _raw_block(database: Database, community: Community, numbers: range) -> float:
    """Write the same rows with plain INSERTs, one transaction per answer."""
    started = time.perf_counter()
    for number in numbers:
        await _raw_answer(database, community, RAW_MEMBERS_FROM + number)
    return time.perf_counter() - started


async def _raw_answer(database: Database, community: Community, number: int) -> None:
    """One answer's rows: member, streak, answer and point totals."""
    now = community.now
    async with database.session(write=True) as session:
        user_id = await session.scalar(
            insert(User)
            .values(
                workspace_id=community.workspace_id,
                external_id=f"U{number}",
                display_name=f"Member {number}",
                created_at=now,
            )
            .returning(User.id)
        )
        await session.execute(
            insert(Streak).values(
                channel_id=community.channel_id,
                user_id=user_id,
                current=1,
                longest=1,
                last_round_seq=1,
                points=60,
                reached_at=now,
                longest_at=now,
            )
        )
        await session.execute(
            insert(Answer).values(
                round_id=community.open_round_id,
                user_id=user_id,
                text=ANSWER,
                score=60,
                points=60,
                covered={"met": [], "missed": []},
                grader_version="raw",
                revision=1,
                late=False,
                created_at=now,
                updated_at=now,
            )
        )
        await session.execute(
            insert(PointTotal).values(
                [
                    {
                        "channel_id": community.channel_id,
                        "period": period.value,
                        "starts_on": period.start(now.date()),
                        "user_id": user_id,
                        "points": 60,
                        "first_at": now,
                    }
                    for period in WINDOWS
                ]
            )
        )


async def _concurrent(
    ctx: AppContext, community: Community, answers: int, concurrency: int
) -> float:
    """Submit `answers` new answers from `concurrency` submitters at once; return the seconds."""
    offset = 2 * RAW_MEMBERS_FROM

    async def submitter(worker: int) -> None:
        for number in range(worker, answers, concurrency):
            await submit_answer(
                ctx,
                channel=community.channel,
                user=community.member(offset + number),
                text=ANSWER,
                now=community.now,
            )

    started = time.perf_counter()
    await asyncio.gather(*(submitter(worker) for worker in range(concurrency)))
    return time.perf_counter() - started
