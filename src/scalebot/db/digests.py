"""Weekly digests: the once-a-week claim, and the aggregates a digest reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, case, false, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scalebot.db.models import Answer, Round, Streak, User, WeeklyDigest
from scalebot.domain.digest import HardRound, WeekAverage


class DigestQueries:
    """Digest reads and writes inside one repository session."""

    def __init__(self, session: AsyncSession) -> None:
        """Use the repository's session."""
        self.session = session

    async def claim_many(
        self, claims: Sequence[tuple[int, date, int, datetime]]
    ) -> set[tuple[int, date]]:
        """Claim weeks' digests, each (channel id, week, round id, now), in one statement.

        Returns the (channel id, week) pairs claimed now: not those another round has already.
        """
        if not claims:
            return set()
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = cast(Table, WeeklyDigest.__table__)
        rows = [
            {"channel_id": c, "week_starts_on": w, "round_id": r, "claimed_at": now}
            for c, w, r, now in claims
        ]
        result = await self.session.execute(
            insert(table)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(table.c.channel_id, table.c.week_starts_on)
        )
        return {(channel_id, week) for channel_id, week in result}

    async def top_streaks(
        self, *, channel_id: int, closed_seq: int, freezes_on: bool, limit: int
    ) -> list[tuple[str, int]]:
        """(name, streak) of the longest streaks that survive the round `closed_seq` closing.

        Read in the streak board's index order: a streak lives on when its member answered that
        round, or holds a freeze to spend on it. Hidden members are left out.
        """
        alive = Streak.last_round_seq >= closed_seq
        if freezes_on:
            alive = alive | (Streak.freezes > 0)
        rows = await self.session.execute(
            select(User.display_name, Streak.current)
            .join(User, User.id == Streak.user_id)
            .where(
                Streak.channel_id == channel_id,
                Streak.current > 0,
                Streak.hidden == false(),
                alive,
            )
            .order_by(
                Streak.current.desc(), Streak.points.desc(), Streak.reached_at, Streak.user_id
            )
            .limit(limit)
        )
        return [(str(name), int(current)) for name, current in rows]

    async def week_scores(
        self, *, channel_id: int, since: date, split: date, until: date
    ) -> tuple[list[WeekAverage], list[WeekAverage]]:
        """Per member, on-time answer counts and average scores in two weeks' rounds.

        The rounds are [since, split) and [split, until), found by the (channel, date) key;
        their answers by the (round, member) key: the cost grows with two weeks of answers,
        never with the channel's history. Hidden members are left out.
        """
        later = case((Round.round_date >= split, 1), else_=0)
        rows = await self.session.execute(
            select(Answer.user_id, User.display_name, later, func.count(), func.avg(Answer.score))
            .join(Round, Round.id == Answer.round_id)
            .join(User, User.id == Answer.user_id)
            .join(
                Streak,
                (Streak.channel_id == Round.channel_id) & (Streak.user_id == Answer.user_id),
            )
            .where(
                Round.channel_id == channel_id,
                Round.round_date >= since,
                Round.round_date < until,
                Answer.late.is_(False),
                Streak.hidden == false(),
            )
            .group_by(Answer.user_id, User.display_name, later)
        )
        weeks: tuple[list[WeekAverage], list[WeekAverage]] = ([], [])
        for user, name, week, count, average in rows:
            weeks[int(week)].append(WeekAverage(int(user), str(name), int(count), float(average)))
        return weeks

    async def hardest_round(self, *, channel_id: int, since: date, until: date) -> HardRound | None:
        """The round in [since, until) whose on-time answers scored lowest on average."""
        average = func.avg(Answer.score)
        found = (
            await self.session.execute(
                select(Round.id, Round.question_id, Round.round_date, func.count(), average)
                .join(Answer, Answer.round_id == Round.id)
                .where(
                    Round.channel_id == channel_id,
                    Round.round_date >= since,
                    Round.round_date < until,
                    Answer.late.is_(False),
                )
                .group_by(Round.id, Round.question_id, Round.round_date)
                .order_by(average, Round.round_date)
                .limit(1)
            )
        ).one_or_none()
        if found is None:
            return None
        round_id, question_id, day, count, mean = found
        return HardRound(int(round_id), str(question_id), day, int(count), float(mean))
