"""`scalebot bench leaderboard` and `scalebot bench close`: reads that must not grow with size."""

from __future__ import annotations

import random
import statistics
from typing import Any

from sqlalchemy import update

from scalebot.bench.community import PLATFORM, seed_community
from scalebot.bench.databases import scratch_database
from scalebot.bench.timing import bench_context, summary_ms, timed
from scalebot.db.models import Round
from scalebot.domain.leaderboard import Period
from scalebot.domain.rounds import RoundStatus
from scalebot.locales import ENGLISH
from scalebot.services import rounds, standings

BOARDS: dict[str, Period | None] = {
    "streak": None,
    "week": Period.WEEK,
    "month": Period.MONTH,
    "all": Period.ALL,
    "season": Period.SEASON,
}


async def bench_leaderboard(
    *, url: str | None, users: int, answers: int, rounds_: int, samples: int
) -> dict[str, Any]:
    """Time each board as a member sees it (top ten plus their own rank) for random members."""
    async with scratch_database(url) as database:
        ctx = bench_context(database, PLATFORM)
        community = await seed_community(ctx, users=users, answers=answers, rounds=rounds_)
        rng = random.Random(11)
        boards: dict[str, dict[str, float]] = {}
        for name, period in BOARDS.items():
            times = []
            for sample in range(samples + 5):
                read = standings.leaderboard(
                    ctx,
                    channel=community.channel,
                    viewer=community.member(rng.randrange(users)),
                    now=community.now,
                    period=period,
                    t=ENGLISH,
                )
                elapsed, _ = await timed(read)
                if sample >= 5:  # the first few warm the caches
                    times.append(elapsed)
            boards[name] = summary_ms(times)
        backend = database.engine.dialect.name
    return {
        "backend": backend,
        "users": users,
        "answers": community.answers,
        "boards": boards,
    }


async def bench_close(*, url: str | None, answers: int, runs: int) -> dict[str, Any]:
    """Time closing a round that has `answers` answers: the summary by aggregate and its post."""
    async with scratch_database(url) as database:
        ctx = bench_context(database, PLATFORM)
        community = await seed_community(ctx, users=answers, answers=answers, rounds=1)
        times = []
        for _ in range(runs):
            elapsed, summary = await timed(
                rounds.close_round(ctx, round_id=community.open_round_id, now=community.now)
            )
            assert summary is not None
            assert summary.answers == community.answers
            times.append(elapsed)
            async with database.session(write=True) as session:  # reopen it for the next run
                await session.execute(
                    update(Round)
                    .where(Round.id == community.open_round_id)
                    .values(status=RoundStatus.POSTED, closed_at=None)
                )
        backend = database.engine.dialect.name
    return {
        "backend": backend,
        "answers": community.answers,
        "ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
    }
