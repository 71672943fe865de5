"""Skipped dates: local dates on which a channel gets no round."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scalebot.db.models import SkippedDate


class SkipQueries:
    """Skipped-date reads and writes inside one repository session."""

    def __init__(self, session: AsyncSession) -> None:
        """Use the repository's session."""
        self.session = session

    async def add(self, *, channel_id: int, day: date, added_by: str, now: datetime) -> bool:
        """Skip a date; return whether it was not skipped already."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"channel_id": channel_id, "day": day, "added_by": added_by, "added_at": now}
        result = await self.session.execute(
            insert(SkippedDate).values(**values).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    async def remove(self, *, channel_id: int, day: date) -> bool:
        """Stop skipping a date; return whether it was skipped."""
        result = await self.session.execute(
            delete(SkippedDate).where(SkippedDate.channel_id == channel_id, SkippedDate.day == day)
        )
        return bool(getattr(result, "rowcount", 0))

    async def upcoming(self, *, channel_id: int, since: date, limit: int) -> list[date]:
        """The channel's skipped dates from `since` on, soonest first."""
        rows = await self.session.scalars(
            select(SkippedDate.day)
            .where(SkippedDate.channel_id == channel_id, SkippedDate.day >= since)
            .order_by(SkippedDate.day)
            .limit(limit)
        )
        return list(rows)

    async def count_upcoming(self, *, channel_id: int, since: date) -> int:
        """How many of the channel's skipped dates are from `since` on."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(SkippedDate)
            .where(SkippedDate.channel_id == channel_id, SkippedDate.day >= since)
        )
        return int(found or 0)

    async def is_skipped(self, *, channel_id: int, day: date) -> bool:
        """Tell whether the channel skips a date."""
        found = await self.session.scalar(
            select(SkippedDate.day).where(
                SkippedDate.channel_id == channel_id, SkippedDate.day == day
            )
        )
        return found is not None

    async def skipped_among(self, pairs: Sequence[tuple[int, date]]) -> set[tuple[int, date]]:
        """Which (channel id, date) pairs are skipped."""
        days = {day for _channel_id, day in pairs}
        if not days:
            return set()
        # By date only: a fan-out asks about thousands of channels but two or three dates,
        # and skipped dates are few, so this reads a handful of rows with few parameters.
        rows = await self.session.execute(
            select(SkippedDate.channel_id, SkippedDate.day).where(SkippedDate.day.in_(days))
        )
        return {(channel_id, day) for channel_id, day in rows} & set(pairs)
