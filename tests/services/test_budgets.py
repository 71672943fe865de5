"""One request budget in the database: slots never overlap, across sessions and processes."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import textwrap

import pytest

from scalebot.db.engine import Database
from scalebot.services import budgets
from scalebot.services.context import AppContext
from tests.conftest import DatabaseTarget

INTERVAL = 0.5


async def test_each_reservation_starts_where_the_last_one_ended(ctx: AppContext) -> None:
    first = await budgets.reserve_slots(ctx, bucket="b", count=1, interval=INTERVAL)
    second = await budgets.reserve_slots(ctx, bucket="b", count=4, interval=INTERVAL)
    third = await budgets.reserve_slots(ctx, bucket="b", count=1, interval=INTERVAL)
    assert first == 0.0  # an idle budget starts now
    assert second == pytest.approx(INTERVAL, abs=0.1)
    assert third == pytest.approx(5 * INTERVAL, abs=0.1)


async def test_buckets_are_independent(ctx: AppContext) -> None:
    await budgets.reserve_slots(ctx, bucket="slack:T1", count=10, interval=INTERVAL)
    assert await budgets.reserve_slots(ctx, bucket="slack:T2", count=1, interval=INTERVAL) == 0.0


async def test_a_wait_pushes_every_later_slot_back(ctx: AppContext) -> None:
    await budgets.reserve_slots(ctx, bucket="b", count=0, interval=INTERVAL, wait=3.0)
    later = await budgets.reserve_slots(ctx, bucket="b", count=1, interval=INTERVAL)
    assert later == pytest.approx(3.0, abs=0.1)


async def test_concurrent_sessions_on_two_engines_get_disjoint_slots(
    db_target: DatabaseTarget, ctx: AppContext
) -> None:
    other = AppContext(Database.from_url(db_target.url, **db_target.options), ctx.bank, ctx.grader)
    try:
        delays = await asyncio.gather(
            *(
                budgets.reserve_slots(c, bucket="b", count=1, interval=INTERVAL)
                for c in [ctx, other] * 10
            )
        )
    finally:
        await other.db.dispose()
    steps = [b - a for a, b in itertools.pairwise(sorted(delays))]
    assert all(step == pytest.approx(INTERVAL, abs=0.1) for step in steps)


WORKER = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from scalebot.db.engine import Database
    from scalebot.services import budgets
    from scalebot.services.context import AppContext

    async def main():
        options = {"connect_args": {"server_settings": {"search_path": sys.argv[2]}}}
        ctx = AppContext(Database.from_url(sys.argv[1], **options), None, None)
        starts = []
        for _ in range(15):
            delay = await budgets.reserve_slots(ctx, bucket="b", count=1, interval=0.05)
            starts.append(time.time() + delay)
        await ctx.db.dispose()
        print(json.dumps(starts))

    asyncio.run(main())
    """
)


@pytest.mark.postgres
async def test_processes_on_postgresql_share_one_budget(
    db_target: DatabaseTarget, ctx: AppContext
) -> None:
    if db_target.kind != "postgresql":
        pytest.skip("several processes serve one bot on PostgreSQL only")
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            db_target.url,
            str(db_target.schema),
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = await asyncio.wait_for(
        asyncio.gather(*(worker.communicate() for worker in workers)), 60
    )
    starts = sorted(start for out, _ in outputs for start in json.loads(out))
    assert len(starts) == 45
    # One budget: 45 slots 50 ms apart span 2.2 s. Three budgets would each start at once and
    # the 45 slots would span 0.7 s.
    assert starts[-1] - starts[0] > 2.1
