"""Each database bench runs at a tiny size on both databases and ends with its JSON line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scalebot.bench.community import PLATFORM, seed_community
from scalebot.bench.timing import bench_context
from scalebot.db.engine import Database
from scalebot.db.models import Answer
from scalebot.domain.leaderboard import ALL_TIME_START, Period
from tests.bench.conftest import run_bench


def test_leaderboard_bench_times_every_board(bench_url: str | None) -> None:
    result = run_bench(
        "leaderboard",
        "--users",
        "300",
        "--answers",
        "2000",
        "--rounds",
        "10",
        "--samples",
        "5",
        url=bench_url,
    )
    assert result["backend"] == ("postgresql" if bench_url else "sqlite")
    assert result["users"] == 300
    assert 1500 < result["answers"] < 2500
    assert set(result["boards"]) == {"streak", "week", "month", "all", "season"}
    for figures in result["boards"].values():
        assert 0 < figures["p50_ms"] <= figures["p99_ms"]


def test_close_bench_closes_a_round_of_the_given_size(bench_url: str | None) -> None:
    result = run_bench("close", "--answers", "300", "--runs", "2", url=bench_url)
    assert result["answers"] == 300
    assert result["ms"] > 0


def test_ingest_bench_compares_the_service_with_plain_inserts(bench_url: str | None) -> None:
    result = run_bench("ingest", "--answers", "60", "--concurrency", "4", url=bench_url)
    assert result["answers"] == 60
    assert result["answers_per_s"] > 0
    assert result["raw_inserts_per_s"] > 0
    # The rates are printed to one decimal: on a loaded machine a tiny run's rates are a few
    # per second, and that rounding alone moves their quotient by a few percent.
    assert result["ratio"] == pytest.approx(
        result["answers_per_s"] / result["raw_inserts_per_s"], rel=0.05
    )
    assert result["concurrent_answers_per_s"] > 0
    assert result["concurrent_speedup"] > 0
    # A first answer: one SELECT to read, then one write transaction of five statements plus
    # the round's SELECT and the streak's; SQLite counts its two BEGINs, PostgreSQL none.
    assert result["raw_statements_per_answer"] in (4, 5)
    assert result["statements_per_answer"] == result["raw_statements_per_answer"] + 3 + (
        1 if result["backend"] == "sqlite" else 0
    )


async def test_the_seeded_community_totals_match_its_answers(database: Database) -> None:
    ctx = bench_context(database, PLATFORM)
    community = await seed_community(ctx, users=50, answers=400, rounds=8)
    async with ctx.reading() as repo:
        board = await repo.points_board(
            channel_id=community.channel_id,
            period=Period.ALL,
            starts_on=ALL_TIME_START,
            limit=None,
        )
    async with database.session() as session:
        rows = await session.execute(
            select(Answer.user_id, func.sum(Answer.points)).group_by(Answer.user_id)
        )
        expected = {user_id: int(total) for user_id, total in rows}
    assert {row.user_id: row.points for row in board} == expected
