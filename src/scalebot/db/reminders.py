"""Reminders: who asked for a nudge, and the once-per-round claim of each nudge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scalebot.db.models import Answer, Channel, Reminder, Streak, User
from scalebot.domain.reminders import Nudged
from scalebot.domain.rounds import ChannelState


class ReminderQueries:
    """Reminder reads and writes inside one repository session."""

    def __init__(self, session: AsyncSession) -> None:
        """Use the repository's session."""
        self.session = session

    async def set(self, *, channel_id: int, user_id: int, on: bool, now: datetime) -> None:
        """Opt a member in (idempotent) or out."""
        if not on:
            await self.session.execute(
                delete(Reminder).where(
                    Reminder.channel_id == channel_id, Reminder.user_id == user_id
                )
            )
            return
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"channel_id": channel_id, "user_id": user_id, "created_at": now}
        await self.session.execute(insert(Reminder).values(**values).on_conflict_do_nothing())

    async def channels(self) -> list[int]:
        """Ids of the active channels where someone asked for reminders."""
        rows = await self.session.scalars(
            select(Channel.id)
            .where(
                Channel.state == ChannelState.ACTIVE,
                exists().where(Reminder.channel_id == Channel.id),
            )
            .order_by(Channel.id)
        )
        return list(rows)

    async def claim(
        self, *, channel_id: int, round_id: int, seq: int, min_streak: int
    ) -> list[Nudged]:
        """Claim, once per round, the opted-in members whose streak the round's close would end.

        They hold a streak of at least `min_streak` that is alive (they answered the round
        before) and have not answered this one. Claimed rows record the round, in the one
        UPDATE, so no other process or later call nudges them about it again.
        """
        alive = select(Streak.user_id).where(
            Streak.channel_id == channel_id,
            Streak.current >= min_streak,
            Streak.last_round_seq == seq - 1,
        )
        answered = exists().where(Answer.round_id == round_id, Answer.user_id == Reminder.user_id)
        claimed = await self.session.scalars(
            update(Reminder)
            .where(
                Reminder.channel_id == channel_id,
                (Reminder.last_round_id.is_(None)) | (Reminder.last_round_id != round_id),
                Reminder.user_id.in_(alive),
                ~answered,
            )
            .values(last_round_id=round_id)
            .returning(Reminder.user_id)
        )
        user_ids = list(claimed)
        if not user_ids:
            return []
        rows = await self.session.execute(
            select(User.external_id, User.language, Streak.current)
            .join(Streak, (Streak.user_id == User.id) & (Streak.channel_id == channel_id))
            .where(User.id.in_(user_ids))
            .order_by(User.id)
        )
        return [Nudged(str(ext), lang, int(cur)) for ext, lang, cur in rows]

    async def of_user(self, *, user_id: int) -> list[str]:
        """External ids of the channels where a member asked for reminders."""
        rows = await self.session.scalars(
            select(Channel.external_id)
            .join(Reminder, Reminder.channel_id == Channel.id)
            .where(Reminder.user_id == user_id)
            .order_by(Channel.external_id)
        )
        return list(rows)

    async def forget(self, *, user_id: int) -> None:
        """Delete a member's reminders."""
        await self.session.execute(delete(Reminder).where(Reminder.user_id == user_id))
