"""Seed a large community straight into the tables: members, rounds, answers, streaks, totals.

The rows are what the services would have written (streaks and point totals included), so the
reads being measured see the same data shape as a real channel with that history.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert

from scalebot.db.engine import Database
from scalebot.db.models import Answer, Channel, PointTotal, Round, Streak, User, Workspace
from scalebot.domain.leaderboard import WINDOWS, Period
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.rounds import ChannelState, RoundStatus
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions

PLATFORM = "bench"
WORKSPACE = "W-bench"
CHANNEL = "C-bench"
BATCH = 20_000
FIRST_DAY = date(2026, 1, 5)


def season_start(rounds: int) -> tuple[date, int]:
    """The bench season's first day and the round count when it began (half way through)."""
    half = rounds // 2
    return FIRST_DAY + timedelta(days=half), half


POST_TIME = time(9)


@dataclass(frozen=True)
class Community:
    """What was seeded: where it lives and how big it is."""

    channel: ChannelRef
    workspace_id: int
    channel_id: int
    open_round_id: int
    users: int
    answers: int
    rounds: int
    now: datetime

    def member(self, number: int) -> UserRef:
        """The member with this number (0-based)."""
        return UserRef(PLATFORM, WORKSPACE, f"U{number:07d}", f"Member {number}")


@dataclass
class _Member:
    """A member's streak and totals, accumulated while their answers are generated."""

    current: int = 0
    longest: int = 0
    last_seq: int | None = None
    points: int = 0
    reached_at: datetime | None = None
    longest_at: datetime | None = None


async def seed_community(
    ctx: AppContext, *, users: int, answers: int, rounds: int, seed: int = 7
) -> Community:
    """Store one channel whose `users` members gave about `answers` answers over `rounds` rounds.

    Each member answers each round with a probability of their own, so streaks, points and
    participation vary as they do in a real channel. The last round is open.
    """
    rng = random.Random(seed)
    now = datetime.combine(FIRST_DAY + timedelta(days=rounds - 1), POST_TIME, UTC)
    await sync_questions(ctx, now=now)
    workspace_id, channel_id, round_ids = await _seed_channel(ctx, rounds=rounds, now=now)
    user_ids = await _seed_users(ctx.db, workspace_id=workspace_id, users=users, now=now)
    share = min(1.0, answers / max(1, users * rounds))
    likelihood = [min(1.0, share * rng.expovariate(1.0)) if share < 1 else 1.0 for _ in user_ids]
    members = {user_id: _Member() for user_id in user_ids}
    totals: dict[tuple[str, date, int], list[Any]] = {}
    stored = await _insert_batches(
        ctx.db,
        Answer,
        _answers(rng, ctx, channel_id, round_ids, user_ids, likelihood, members, totals),
    )
    await _insert_batches(ctx.db, Streak, _streaks(channel_id, members, rounds))
    await _insert_batches(ctx.db, PointTotal, _totals(channel_id, totals))
    await _settle(ctx.db)
    ref = ChannelRef(PLATFORM, WORKSPACE, CHANNEL)
    return Community(ref, workspace_id, channel_id, round_ids[-1], users, stored, rounds, now)


async def _seed_channel(
    ctx: AppContext, *, rounds: int, now: datetime
) -> tuple[int, int, list[int]]:
    """Store the workspace, the channel and its rounds; return their ids."""
    questions = ctx.bank.questions
    async with ctx.db.session(write=True) as session:
        workspace = Workspace(platform=PLATFORM, external_id=WORKSPACE, created_at=now)
        session.add(workspace)
        await session.flush()
        channel = Channel(
            workspace_id=workspace.id,
            external_id=CHANNEL,
            post_time=POST_TIME,
            days="daily",
            timezone="UTC",
            state=ChannelState.ACTIVE,
            round_count=rounds,
            season_name="Bench season",
            season_started_on=season_start(rounds)[0],
            season_start_seq=season_start(rounds)[1],
            enrolled_at=now,
            updated_at=now,
        )
        session.add(channel)
        await session.flush()
        round_rows = [
            Round(
                channel_id=channel.id,
                round_date=FIRST_DAY + timedelta(days=seq - 1),
                seq=seq,
                question_id=questions[(seq - 1) % len(questions)].id,
                question_version=1,
                status=RoundStatus.POSTED if seq == rounds else RoundStatus.CLOSED,
                message_ref=f"m{seq}",
                claimed_at=_posted_at(seq),
                posted_at=_posted_at(seq),
            )
            for seq in range(1, rounds + 1)
        ]
        session.add_all(round_rows)
        await session.flush()
        return workspace.id, channel.id, [row.id for row in round_rows]


async def _seed_users(
    database: Database, *, workspace_id: int, users: int, now: datetime
) -> list[int]:
    """Store the members and return their ids in member order."""
    rows = (
        {
            "workspace_id": workspace_id,
            "external_id": f"U{number:07d}",
            "display_name": f"Member {number}",
            "created_at": now,
        }
        for number in range(users)
    )
    await _insert_batches(database, User, rows)
    async with database.session() as session:
        found = await session.execute(
            User.__table__.select().with_only_columns(User.id).order_by(User.id)
        )
        return [row[0] for row in found]


def _posted_at(seq: int) -> datetime:
    """When round `seq` was posted."""
    return datetime.combine(FIRST_DAY + timedelta(days=seq - 1), POST_TIME, UTC)


def _answers(
    rng: random.Random,
    ctx: AppContext,
    channel_id: int,
    round_ids: list[int],
    user_ids: list[int],
    likelihood: list[float],
    members: dict[int, _Member],
    totals: dict[tuple[str, date, int], list[Any]],
) -> Iterator[dict[str, Any]]:
    """Generate answer rows round by round, updating streaks and totals as the service would."""
    questions = ctx.bank.questions
    for seq, round_id in enumerate(round_ids, start=1):
        question = questions[(seq - 1) % len(questions)]
        criteria = [criterion.id for criterion in question.rubric]
        round_date = FIRST_DAY + timedelta(days=seq - 1)
        for user_id, chance in zip(user_ids, likelihood, strict=True):
            if rng.random() >= chance:
                continue
            score = rng.randint(0, 100)
            at = _posted_at(seq) + timedelta(seconds=rng.randint(0, 80_000))
            met = [c for c in criteria if rng.random() < score / 100]
            _count(members[user_id], seq, score, at)
            season_on, start_seq = season_start(len(round_ids))
            starts = [(period, period.start(round_date)) for period in WINDOWS]
            starts += [(Period.SEASON, season_on)] if seq > start_seq else []
            for period, starts_on in starts:
                key = (period.value, starts_on, user_id)
                total = totals.setdefault(key, [0, at])
                total[0] += score
                total[1] = min(total[1], at)
            yield {
                "round_id": round_id,
                "user_id": user_id,
                "text": "bench answer",
                "score": score,
                "points": score,
                "covered": {"met": met, "missed": [c for c in criteria if c not in met]},
                "grader_version": "bench",
                "revision": 1,
                "late": False,
                "created_at": at,
                "updated_at": at,
            }


def _count(member: _Member, seq: int, score: int, at: datetime) -> None:
    """Extend a member's streak and points with an on-time answer to round `seq`."""
    continues = member.last_seq is not None and seq == member.last_seq + 1
    member.current = member.current + 1 if continues else 1
    if member.current > member.longest:
        member.longest, member.longest_at = member.current, at
    member.last_seq, member.reached_at = seq, at
    member.points += score


def _streaks(channel_id: int, members: dict[int, _Member], rounds: int) -> Iterator[dict[str, Any]]:
    """Streak rows; a streak whose member missed the last closed round is already broken."""
    for user_id, member in members.items():
        if member.last_seq is None or member.reached_at is None:
            continue
        alive = member.last_seq >= rounds - 1
        yield {
            "channel_id": channel_id,
            "user_id": user_id,
            "current": member.current if alive else 0,
            "longest": member.longest,
            "last_round_seq": member.last_seq,
            "points": member.points,
            "reached_at": member.reached_at,
            "longest_at": member.longest_at or member.reached_at,
        }


def _totals(
    channel_id: int, totals: dict[tuple[str, date, int], list[Any]]
) -> Iterator[dict[str, Any]]:
    """Point-total rows."""
    for (period, starts_on, user_id), (points, first_at) in totals.items():
        yield {
            "channel_id": channel_id,
            "period": period,
            "starts_on": starts_on,
            "user_id": user_id,
            "points": points,
            "first_at": first_at,
        }


async def _settle(database: Database) -> None:
    """Refresh planner statistics (and PostgreSQL's visibility map), as autovacuum would.

    A real channel's history grew over weeks; right after a bulk load the planner still thinks
    the tables are empty and picks plans no running bot would get.
    """
    if database.is_sqlite:
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
        return
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE")


async def _insert_batches(database: Database, model: type[Any], rows: Iterator[Any]) -> int:
    """Insert rows in batches, one transaction each; return how many were stored."""
    stored = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            stored += await _insert(database, model, batch)
            batch = []
    if batch:
        stored += await _insert(database, model, batch)
    return stored


async def _insert(database: Database, model: type[Any], batch: list[dict[str, Any]]) -> int:
    """Insert one batch in its own write transaction."""
    async with database.session(write=True) as session:
        await session.execute(insert(model), batch)
    return len(batch)
