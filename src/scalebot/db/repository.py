"""Data access for the services: every query lives here, behind keyword-only methods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scalebot.db.migrate import serialize_startup
from scalebot.db.models import (
    Answer,
    Channel,
    ProcessedEvent,
    Round,
    StoredQuestion,
    Streak,
    User,
    Workspace,
)
from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import RoundStatus


@dataclass(frozen=True)
class RankedRow:
    """One leaderboard row as read from the database."""

    user_id: int
    display_name: str
    external_id: str
    streak: int
    points: int
    reached_at: datetime | None


class Repository:
    """Queries and writes for one session (one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        """Wrap a session."""
        self.session = session

    # --- workspaces, channels, users -------------------------------------------------------

    async def get_or_create_workspace(
        self, *, platform: str, external_id: str, now: datetime
    ) -> Workspace:
        """Return the workspace, creating it on first sight."""
        await self._insert_ignore(
            Workspace, {"platform": platform, "external_id": external_id, "created_at": now}
        )
        found = await self.session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
        assert found is not None
        return found

    async def find_workspace(self, *, platform: str, external_id: str) -> Workspace | None:
        """Return the workspace or None."""
        return await self.session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )

    async def find_channel(self, ref: ChannelRef, *, lock: bool = False) -> Channel | None:
        """Return an enrolled channel by its platform ids, optionally locking its row."""
        query = (
            select(Channel)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(
                Workspace.platform == ref.platform,
                Workspace.external_id == ref.workspace_id,
                Channel.external_id == ref.channel_id,
            )
        )
        if lock:
            query = query.with_for_update(of=Channel)
        return await self.session.scalar(query)

    async def get_channel(self, *, channel_id: int, lock: bool = False) -> Channel | None:
        """Return a channel by primary key, optionally locking its row."""
        query = select(Channel).where(Channel.id == channel_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add_channel(self, channel: Channel) -> Channel:
        """Store a new channel."""
        self.session.add(channel)
        await self.session.flush()
        return channel

    async def channel_refs(self) -> list[tuple[Channel, Workspace]]:
        """Return every channel with its workspace."""
        rows = await self.session.execute(
            select(Channel, Workspace).join(Workspace, Workspace.id == Channel.workspace_id)
        )
        return [(channel, workspace) for channel, workspace in rows]

    async def get_workspace(self, *, workspace_id: int) -> Workspace:
        """Return a workspace by primary key."""
        found = await self.session.get(Workspace, workspace_id)
        assert found is not None
        return found

    async def upsert_user(
        self, *, workspace_id: int, external_id: str, display_name: str, now: datetime
    ) -> User:
        """Return the user, creating it or refreshing its display name."""
        await self._insert_ignore(
            User,
            {
                "workspace_id": workspace_id,
                "external_id": external_id,
                "display_name": display_name,
                "created_at": now,
            },
        )
        user = await self.find_user(workspace_id=workspace_id, external_id=external_id)
        assert user is not None
        if user.display_name != display_name:
            user.display_name = display_name
        return user

    async def find_user(self, *, workspace_id: int, external_id: str) -> User | None:
        """Return a user or None."""
        return await self.session.scalar(
            select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
        )

    async def delete_user(self, *, user_id: int) -> None:
        """Delete a user; answers and streaks go with it."""
        await self.session.execute(delete(Answer).where(Answer.user_id == user_id))
        await self.session.execute(delete(Streak).where(Streak.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))

    # --- questions ---------------------------------------------------------------------------

    async def serialize_startup(self) -> None:
        """Make processes that start together sync the bank one after another."""
        connection = await self.session.connection()
        await connection.run_sync(serialize_startup)

    async def stored_questions(self) -> dict[str, StoredQuestion]:
        """Return every stored question by id."""
        rows = await self.session.scalars(select(StoredQuestion))
        return {row.id: row for row in rows}

    async def add_question(self, question: StoredQuestion) -> None:
        """Store a newly synced question."""
        self.session.add(question)
        await self.session.flush()

    async def get_question(self, *, question_id: str) -> StoredQuestion | None:
        """Return a stored question."""
        return await self.session.get(StoredQuestion, question_id)

    async def question_use_counts(self, *, channel_id: int) -> dict[str, int]:
        """Count how often each question was asked in a channel."""
        rows = await self.session.execute(
            select(Round.question_id, func.count())
            .where(Round.channel_id == channel_id)
            .group_by(Round.question_id)
        )
        # Not dict(rows): a Result has keys(), so dict() would treat it as a mapping.
        return {question_id: count for question_id, count in rows}  # noqa: C416

    # --- rounds ------------------------------------------------------------------------------

    async def find_round(self, *, channel_id: int, round_date: date) -> Round | None:
        """Return the channel's round for a local date."""
        return await self.session.scalar(
            select(Round).where(Round.channel_id == channel_id, Round.round_date == round_date)
        )

    async def get_round(self, *, round_id: int) -> Round | None:
        """Return a round by primary key."""
        return await self.session.get(Round, round_id)

    async def latest_posted_round(self, *, channel_id: int) -> Round | None:
        """Return the channel's newest posted round (the open one, unless closed by hand)."""
        return await self.session.scalar(
            select(Round)
            .where(Round.channel_id == channel_id, Round.seq.is_not(None))
            .order_by(Round.seq.desc())
            .limit(1)
        )

    async def add_round(self, round_: Round) -> Round:
        """Store a claimed round."""
        self.session.add(round_)
        await self.session.flush()
        return round_

    async def find_round_by_message(self, *, channel_id: int, message_ref: str) -> Round | None:
        """Return the channel's posted round whose message is `message_ref` (its thread)."""
        return await self.session.scalar(
            select(Round).where(
                Round.channel_id == channel_id,
                Round.message_ref == message_ref,
                Round.seq.is_not(None),
            )
        )

    async def open_rounds_before(self, *, channel_id: int, seq: int) -> list[Round]:
        """Return the channel's still-open rounds older than a sequence number."""
        rows = await self.session.scalars(
            select(Round).where(
                Round.channel_id == channel_id,
                Round.seq < seq,
                Round.status == RoundStatus.POSTED,
            )
        )
        return list(rows)

    # --- answers and streaks -----------------------------------------------------------------

    async def find_answer(self, *, round_id: int, user_id: int) -> Answer | None:
        """Return a member's answer to a round."""
        return await self.session.scalar(
            select(Answer).where(Answer.round_id == round_id, Answer.user_id == user_id)
        )

    async def add_answer(self, answer: Answer) -> Answer:
        """Store a first answer."""
        self.session.add(answer)
        await self.session.flush()
        return answer

    async def round_answers(self, *, round_id: int) -> list[Answer]:
        """Return the on-time answers of a round."""
        rows = await self.session.scalars(
            select(Answer).where(Answer.round_id == round_id, Answer.late.is_(False))
        )
        return list(rows)

    async def get_streak(
        self, *, channel_id: int, user_id: int, lock: bool = False
    ) -> Streak | None:
        """Return a member's streak row in a channel."""
        query = select(Streak).where(Streak.channel_id == channel_id, Streak.user_id == user_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add_streak(self, streak: Streak) -> Streak:
        """Store a new streak row."""
        self.session.add(streak)
        await self.session.flush()
        return streak

    async def user_answers(self, *, user_id: int) -> list[tuple[Answer, Round]]:
        """Return all of a member's answers with their rounds, oldest first."""
        rows = await self.session.execute(
            select(Answer, Round)
            .join(Round, Round.id == Answer.round_id)
            .where(Answer.user_id == user_id)
            .order_by(Round.round_date, Answer.id)
        )
        return [(answer, round_) for answer, round_ in rows]

    async def streak_ranking(self, *, channel_id: int, open_seq: int) -> list[RankedRow]:
        """Rank members by live streak, then points, then who reached it first."""
        live = case((Streak.last_round_seq >= open_seq - 1, Streak.current), else_=0)
        rows = await self.session.execute(
            select(
                User.id, User.display_name, User.external_id, live, Streak.points, Streak.reached_at
            )
            .join(User, User.id == Streak.user_id)
            .where(Streak.channel_id == channel_id)
            .order_by(live.desc(), Streak.points.desc(), Streak.reached_at, User.id)
        )
        return [RankedRow(*row) for row in rows]

    async def points_ranking(self, *, channel_id: int, since: date | None) -> list[RankedRow]:
        """Rank members by points from on-time answers to rounds since a local date."""
        conditions = [Round.channel_id == channel_id, Answer.late.is_(False)]
        if since is not None:
            conditions.append(Round.round_date >= since)
        points = func.sum(Answer.points)
        first = func.min(Answer.created_at)
        rows = await self.session.execute(
            select(User.id, User.display_name, User.external_id, func.count(), points, first)
            .select_from(Answer)
            .join(Round, Round.id == Answer.round_id)
            .join(User, User.id == Answer.user_id)
            .where(and_(*conditions))
            .group_by(User.id, User.display_name, User.external_id)
            .order_by(points.desc(), first, User.id)
        )
        return [
            RankedRow(user_id, name, external, 0, int(total or 0), reached)
            for user_id, name, external, _count, total, reached in rows
        ]

    # --- processed events --------------------------------------------------------------------

    async def record_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        """Record an event id; return False when it was already recorded."""
        return await self._insert_ignore(
            ProcessedEvent, {"platform": platform, "event_id": event_id, "received_at": now}
        )

    async def forget_events_before(self, *, cutoff: datetime) -> int:
        """Drop processed-event records older than a cutoff."""
        result = await self.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- helpers -----------------------------------------------------------------------------

    async def _insert_ignore(self, model: type[Any], values: dict[str, Any]) -> bool:
        """Insert a row unless a unique key already exists; return whether it was inserted."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(model).values(**values).on_conflict_do_nothing()
        result = await self.session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def mark_rounds(self, *, round_ids: Sequence[int], **values: Any) -> None:
        """Update several rounds at once."""
        if round_ids:
            await self.session.execute(
                update(Round).where(Round.id.in_(round_ids)).values(**values)
            )
