"""Data access for the services: every query lives here, behind keyword-only methods."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from scalebot.db import budgets
from scalebot.db.digests import DigestQueries
from scalebot.db.migrate import serialize_startup
from scalebot.db.models import (
    Answer,
    Channel,
    PointTotal,
    ProcessedEvent,
    Round,
    StoredQuestion,
    Streak,
    StreakCorrection,
    User,
    Workspace,
    slack_installations,
)
from scalebot.db.practice import PracticeQueries
from scalebot.db.reminders import ReminderQueries
from scalebot.db.skips import SkipQueries
from scalebot.domain.leaderboard import WINDOWS, Period
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.rounds import ChannelState, RoundStatus
from scalebot.domain.schedule import Schedule

# The rows the repository hands to services: they read and set their fields inside the
# transaction that loaded them, and never build, query or import the models themselves.
ChannelRow: TypeAlias = Channel
RoundRow: TypeAlias = Round
WorkspaceRow: TypeAlias = Workspace


def claimed_round(
    *,
    channel_id: int,
    round_date: date,
    question_id: str,
    question_version: int,
    now: datetime,
    lease_until: datetime,
) -> RoundRow:
    """A round claimed now, nothing of it sent yet (stored with insert_rounds)."""
    return Round(
        channel_id=channel_id,
        round_date=round_date,
        question_id=question_id,
        question_version=question_version,
        status=RoundStatus.CLAIMED,
        claimed_at=now,
        lease_until=lease_until,
        attempts=0,
    )


# The missed criterion ids are a JSON list inside answers.covered; each database unnests it.
_MISSED_COUNTS = {
    "sqlite": text(
        "SELECT m.value, COUNT(*) FROM answers AS a, json_each(a.covered, '$.missed') AS m "
        "WHERE a.round_id = :round_id AND a.late = 0 GROUP BY m.value"
    ),
    "postgresql": text(
        "SELECT m.value, COUNT(*) FROM answers AS a, "
        "json_array_elements_text(a.covered -> 'missed') AS m(value) "
        "WHERE a.round_id = :round_id AND NOT a.late GROUP BY m.value"
    ),
}

# What replaces a forgotten member's id and name in rows that stay (the audit trail).
FORGOTTEN = "[deleted]"


def redact(text: str, external_id: str, name: str) -> str:
    """Replace a member's mentions, platform id and display name in free text with FORGOTTEN.

    Names in Latin letters go on word boundaries (Al stays in Also); others, such as Chinese
    names, wherever they appear, as Chinese has no spaces between words.
    """
    mention = re.compile(r"<@!?" + re.escape(external_id) + r"(?:\|[^>]*)?>", re.IGNORECASE)
    text = mention.sub(FORGOTTEN, text)
    for word in sorted({external_id, name} - {""}, key=len, reverse=True):
        bounded = word.isascii()
        pattern = rf"(?<!\w)@?{re.escape(word)}(?!\w)" if bounded else rf"@?{re.escape(word)}"
        text = re.sub(pattern, FORGOTTEN, text, flags=re.IGNORECASE)
    return text


SLACK = "slack"  # the platform name Slack's workspaces are stored under


@dataclass(frozen=True)
class RankedRow:
    """One leaderboard row as read from the database."""

    user_id: int
    display_name: str
    external_id: str
    streak: int
    points: int
    reached_at: datetime | None
    hidden: bool = False
    rank: int | None = None  # filled in when the row was read with its rank


# The columns of a RankedRow read from a points board (streak boards choose their streak).
_POINTS_ROW = (
    User.id,
    User.display_name,
    User.external_id,
    literal(0),
    PointTotal.points,
    PointTotal.first_at,
    PointTotal.hidden,
)


@dataclass(frozen=True)
class AnswerTarget:
    """The round a member would answer in a channel, found with the channel in one read."""

    channel_id: int
    round_id: int | None
    question_id: str | None
    # The channel's newest round when it was sent but not confirmed yet: its id and send time.
    unconfirmed: tuple[int, datetime] | None
    # The stored languages a reply would read in: the channel's and the member's own choice.
    channel_language: str | None = None
    member_language: str | None = None


@dataclass(frozen=True)
class RoundToAnswer:
    """What storing an answer needs of its round and channel, read in the write transaction."""

    round_id: int
    round_date: date
    seq: int
    closed: bool
    channel_id: int
    workspace_id: int
    round_count: int
    freezes_enabled: bool
    # The running season's first day, when this round counts for it.
    season_on: date | None = None


@dataclass(frozen=True)
class StreakRecord:
    """A member's stored streak row in a channel, as plain values."""

    current: int
    longest: int
    last_round_seq: int | None
    points: int
    reached_at: datetime
    longest_at: datetime
    hidden: bool = False
    freezes: int = 0
    freezes_unseen: int = 0


@dataclass(frozen=True)
class StoredAnswer:
    """What replacing an answer needs to know of the stored one."""

    answer_id: int
    points: int
    late: bool
    revision: int
    score: int


_STREAK_RECORD = (
    Streak.current,
    Streak.longest,
    Streak.last_round_seq,
    Streak.points,
    Streak.reached_at,
    Streak.longest_at,
    Streak.hidden,
    Streak.freezes,
    Streak.freezes_unseen,
)


@dataclass(frozen=True)
class PastAnswer:
    """One of a member's answers as their history shows it."""

    round_date: date
    question_id: str
    score: int
    late: bool
    missed: tuple[str, ...]


@dataclass(frozen=True)
class ChannelAnswer:
    """One answer of a channel with its member and their streak, as an admin export lists it."""

    round_date: date
    question_id: str
    member_id: str
    member_name: str
    score: int
    points: int
    late: bool
    revision: int
    answered_at: datetime
    text: str
    streak: int | None
    longest: int | None
    last_round_seq: int | None


class Repository:
    """Queries and writes for one session (one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        """Wrap a session."""
        self.session = session
        self.practice = PracticeQueries(session)
        self.skips = SkipQueries(session)
        self.digests = DigestQueries(session)
        self.reminders = ReminderQueries(session)

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

    async def channel_with_workspace(
        self, *, channel_id: int, lock: bool = False
    ) -> tuple[Channel, Workspace] | None:
        """Return a channel and its workspace in one query, optionally locking the channel."""
        query = (
            select(Channel, Workspace)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Channel.id == channel_id)
        )
        if lock:
            query = query.with_for_update(of=Channel)
        found = (await self.session.execute(query)).one_or_none()
        return None if found is None else (found[0], found[1])

    async def channels_with_workspaces(
        self, *, channel_ids: Sequence[int], lock: bool = False
    ) -> dict[int, tuple[Channel, Workspace]]:
        """Channels by id with their workspaces in one query, optionally locked in id order."""
        query = (
            select(Channel, Workspace)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Channel.id.in_(channel_ids))
            .order_by(Channel.id)
        )
        if lock:
            query = query.with_for_update(of=Channel)
        rows = await self.session.execute(query)
        return {channel.id: (channel, workspace) for channel, workspace in rows}

    async def get_channels(
        self, *, channel_ids: Sequence[int], lock: bool = False
    ) -> dict[int, Channel]:
        """Channels by id, optionally locked in id order."""
        query = select(Channel).where(Channel.id.in_(channel_ids)).order_by(Channel.id)
        if lock:
            query = query.with_for_update()
        return {channel.id: channel for channel in await self.session.scalars(query)}

    async def add_channel(
        self,
        *,
        workspace_id: int,
        external_id: str,
        schedule: Schedule,
        language: str,
        now: datetime,
    ) -> ChannelRow:
        """Store a newly enrolled channel, active, on its schedule."""
        channel = Channel(
            workspace_id=workspace_id,
            external_id=external_id,
            post_time=schedule.post_time,
            days=schedule.days.value,
            timezone=schedule.timezone,
            state=ChannelState.ACTIVE,
            round_count=0,
            language=language,
            enrolled_at=now,
            updated_at=now,
        )
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
        """Return the user, creating it or refreshing its display name, in one statement."""
        statement = self._user_upsert(workspace_id, external_id, display_name, now).returning(User)
        user = await self.session.scalar(statement, execution_options={"populate_existing": True})
        assert isinstance(user, User)
        return user

    async def find_user(self, *, workspace_id: int, external_id: str) -> User | None:
        """Return a user or None."""
        return await self.session.scalar(
            select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
        )

    async def languages(
        self, *, channel: ChannelRef, user_id: str
    ) -> tuple[str | None, str | None]:
        """The channel's stored language and the member's own choice (None where unset)."""
        channel_language = await self.session.scalar(
            select(Channel.language)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(
                Workspace.platform == channel.platform,
                Workspace.external_id == channel.workspace_id,
                Channel.external_id == channel.channel_id,
            )
        )
        member_language = await self.session.scalar(
            select(User.language)
            .join(Workspace, Workspace.id == User.workspace_id)
            .where(
                Workspace.platform == channel.platform,
                Workspace.external_id == channel.workspace_id,
                User.external_id == user_id,
            )
        )
        return channel_language, member_language

    async def find_member(self, user: UserRef) -> tuple[Workspace, User] | None:
        """Return a member's workspace and user rows, or None if they were never stored."""
        row = (
            await self.session.execute(
                select(Workspace, User)
                .join(User, User.workspace_id == Workspace.id)
                .where(
                    Workspace.platform == user.platform,
                    Workspace.external_id == user.workspace_id,
                    User.external_id == user.user_id,
                )
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    async def user_footprint(self, *, user_id: int) -> tuple[int, int, int]:
        """Count a member's answers, the channels whose boards hold them, and practice answers."""
        answers = await self.session.scalar(
            select(func.count()).select_from(Answer).where(Answer.user_id == user_id)
        )
        channels = await self.session.scalar(
            select(func.count()).select_from(Streak).where(Streak.user_id == user_id)
        )
        practised = await self.practice.count_answers(user_id=user_id)
        return int(answers or 0), int(channels or 0), practised

    async def delete_user(self, *, user: User, workspace: Workspace) -> None:
        """Delete a member and every row about them; audit rows they wrote as admin go nameless."""
        for model in (Answer, Streak, StreakCorrection, PointTotal):
            await self.session.execute(delete(model).where(model.user_id == user.id))
        await self.practice.forget(user_id=user.id)
        await self.reminders.forget(user_id=user.id)
        here = StreakCorrection.channel_id.in_(
            select(Channel.id).where(Channel.workspace_id == workspace.id)
        )
        await self._redact_reasons(here, user)
        await self.session.execute(
            update(StreakCorrection)
            .where(here, StreakCorrection.admin_id == user.external_id)
            .values(admin_id=FORGOTTEN, admin_name=FORGOTTEN)
        )
        await self.session.execute(
            update(StreakCorrection)
            .where(here, StreakCorrection.undone_by == user.external_id)
            .values(undone_by=FORGOTTEN)
        )
        if workspace.platform == SLACK:  # the member who installed the app is named there
            await self.session.execute(
                update(slack_installations)
                .where(
                    slack_installations.c.team_id == workspace.external_id,
                    slack_installations.c.user_id == user.external_id,
                )
                .values(user_id=FORGOTTEN)
            )
        await self.session.execute(delete(User).where(User.id == user.id))

    async def _redact_reasons(self, here: ColumnElement[bool], user: User) -> None:
        """Take a forgotten member's mention, id and name out of the workspace's correction reasons.

        Admins write reasons as free text ("swapped with @ana"); the rows stay as the audit trail
        of the other members' corrections, so only the words naming this member go.
        """
        names = {user.external_id.lower(), user.display_name.lower()} - {""}
        found = await self.session.scalars(
            select(StreakCorrection).where(
                here, or_(*(func.lower(StreakCorrection.reason).contains(n) for n in names))
            )
        )
        for row in found:
            row.reason = redact(row.reason, user.external_id, user.display_name)

    # --- questions ---------------------------------------------------------------------------

    async def serialize_startup(self) -> None:
        """Make processes that start together sync the bank one after another."""
        connection = await self.session.connection()
        await connection.run_sync(serialize_startup)

    async def stored_questions(self) -> dict[str, StoredQuestion]:
        """Return every stored question by id."""
        rows = await self.session.scalars(select(StoredQuestion))
        return {row.id: row for row in rows}

    async def add_question(
        self, *, question_id: str, content_hash: str, content: dict[str, Any], now: datetime
    ) -> None:
        """Store a newly synced question, its first version."""
        self.session.add(
            StoredQuestion(
                id=question_id,
                version=1,
                content_hash=content_hash,
                content=content,
                retired=False,
                synced_at=now,
            )
        )
        await self.session.flush()

    async def get_question(self, *, question_id: str) -> StoredQuestion | None:
        """Return a stored question."""
        return await self.session.get(StoredQuestion, question_id)

    async def question_version(self, *, question_id: str) -> int | None:
        """The stored version of a question (without loading its content)."""
        return await self.session.scalar(
            select(StoredQuestion.version).where(StoredQuestion.id == question_id)
        )

    async def question_use_counts(self, *, channel_id: int) -> dict[str, int]:
        """Count how often each question was asked in a channel."""
        rows = await self.session.execute(
            select(Round.question_id, func.count())
            .where(Round.channel_id == channel_id)
            .group_by(Round.question_id)
        )
        # Not dict(rows): a Result has keys(), so dict() would treat it as a mapping.
        return {question_id: count for question_id, count in rows}  # noqa: C416

    async def question_versions(self) -> dict[str, int]:
        """The stored version of every question (without their content)."""
        rows = await self.session.execute(select(StoredQuestion.id, StoredQuestion.version))
        return {question_id: version for question_id, version in rows}  # noqa: C416

    async def question_use_counts_in(
        self, *, channel_ids: Sequence[int]
    ) -> dict[int, dict[str, int]]:
        """Count how often each question was asked, per channel, for many channels at once."""
        rows = await self.session.execute(
            select(Round.channel_id, Round.question_id, func.count())
            .where(Round.channel_id.in_(channel_ids))
            .group_by(Round.channel_id, Round.question_id)
        )
        counts: dict[int, dict[str, int]] = {}
        for channel_id, question_id, count in rows:
            counts.setdefault(channel_id, {})[question_id] = count
        return counts

    # --- rounds ------------------------------------------------------------------------------

    async def find_round(self, *, channel_id: int, round_date: date) -> Round | None:
        """Return the channel's round for a local date."""
        return await self.session.scalar(
            select(Round).where(Round.channel_id == channel_id, Round.round_date == round_date)
        )

    async def get_round(self, *, round_id: int, lock: bool = False) -> Round | None:
        """Return a round by primary key, optionally locking its row."""
        query = select(Round).where(Round.id == round_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def rounds_on(self, *, channel_ids: Sequence[int], days: Sequence[date]) -> list[Round]:
        """The rounds of these channels for these local dates (every pair of the two)."""
        rows = await self.session.scalars(
            select(Round).where(Round.channel_id.in_(channel_ids), Round.round_date.in_(days))
        )
        return list(rows)

    async def get_rounds(self, *, round_ids: Sequence[int], lock: bool = False) -> dict[int, Round]:
        """Rounds by id, optionally locked in id order."""
        query = select(Round).where(Round.id.in_(round_ids)).order_by(Round.id)
        if lock:
            query = query.with_for_update()
        return {round_.id: round_ for round_ in await self.session.scalars(query)}

    async def open_rounds_of(
        self, *, channel_ids: Sequence[int], lock: bool = False
    ) -> list[Round]:
        """The posted (still open) rounds of these channels, optionally locked in id order."""
        query = (
            select(Round)
            .where(Round.channel_id.in_(channel_ids), Round.status == RoundStatus.POSTED)
            .order_by(Round.id)
        )
        if lock:
            query = query.with_for_update()
        return list(await self.session.scalars(query))

    async def latest_posted_rounds(self, *, channel_ids: Sequence[int]) -> dict[int, Round]:
        """Each channel's newest posted round (highest number), for many channels at once."""
        newest = (
            select(Round.channel_id, func.max(Round.seq).label("seq"))
            .where(Round.channel_id.in_(channel_ids), Round.seq.is_not(None))
            .group_by(Round.channel_id)
            .subquery()
        )
        rows = await self.session.scalars(
            select(Round).join(
                newest, (Round.channel_id == newest.c.channel_id) & (Round.seq == newest.c.seq)
            )
        )
        return {round_.channel_id: round_ for round_ in rows}

    async def latest_round(self, *, channel_id: int) -> Round | None:
        """Return the channel's newest round by local date, in whatever state."""
        return await self.session.scalar(
            select(Round)
            .where(Round.channel_id == channel_id)
            .order_by(Round.round_date.desc())
            .limit(1)
        )

    async def rounds_to_resolve(
        self, *, statuses: Sequence[str], now: datetime, limit: int
    ) -> list[tuple[Round, Channel, Workspace]]:
        """Return rounds in the given states whose lease ran out, oldest lease first."""
        rows = await self.session.execute(
            select(Round, Channel, Workspace)
            .join(Channel, Channel.id == Round.channel_id)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Round.status.in_(statuses), Round.lease_until <= now)
            .order_by(Round.lease_until)
            .limit(limit)
        )
        return [(round_, channel, workspace) for round_, channel, workspace in rows]

    async def count_rounds(self, *, statuses: Sequence[str]) -> int:
        """Count rounds in the given states."""
        found = await self.session.scalar(
            select(func.count()).select_from(Round).where(Round.status.in_(statuses))
        )
        return int(found or 0)

    async def channels_with_last_round(self) -> list[tuple[Channel, Workspace, date | None]]:
        """Return every channel with its workspace and the local date of its newest round."""
        last = (
            select(Round.channel_id, func.max(Round.round_date).label("last"))
            .group_by(Round.channel_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(Channel, Workspace, last.c.last)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .outerjoin(last, last.c.channel_id == Channel.id)
        )
        return [(channel, workspace, day) for channel, workspace, day in rows]

    async def latest_posted_round(self, *, channel_id: int) -> Round | None:
        """Return the channel's newest posted round (the open one, unless closed by hand)."""
        return await self.session.scalar(
            select(Round)
            .where(Round.channel_id == channel_id, Round.seq.is_not(None))
            .order_by(Round.seq.desc())
            .limit(1)
        )

    async def mark_sending(self, *, round_id: int, now: datetime, lease_until: datetime) -> None:
        """Record that a round's post is about to go out: one more attempt, the first send time."""
        await self.session.execute(
            update(Round)
            .where(Round.id == round_id)
            .values(
                status=RoundStatus.SENDING,
                attempts=Round.attempts + 1,
                sent_at=func.coalesce(Round.sent_at, now),
                lease_until=lease_until,
            )
            .execution_options(synchronize_session=False)
        )

    async def mark_sending_many(self, rows: Sequence[tuple[int, datetime, datetime]]) -> None:
        """mark_sending for many rounds in one statement: (round id, now, lease until) each."""
        table = cast(Table, Round.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("round_id"))
            .values(
                status=RoundStatus.SENDING.value,
                attempts=table.c.attempts + 1,
                sent_at=func.coalesce(table.c.sent_at, bindparam("now")),
                lease_until=bindparam("lease"),
            )
        )
        await self.session.execute(
            statement,
            [{"round_id": rid, "now": now, "lease": lease} for rid, now, lease in rows],
        )

    async def insert_rounds(self, rounds_: Sequence[Round]) -> None:
        """Store new rounds of distinct channels in one statement and give each its id.

        Not through the session's flush: on SQLite that inserts one row per statement to
        return the ids in order; here each id comes back with its channel's id.
        """
        if not rounds_:
            return
        table = cast(Table, Round.__table__)
        columns = [column.key for column in table.columns if column.key != "id"]
        rows = await self.session.execute(
            insert(table).returning(table.c.id, table.c.channel_id),
            [{key: getattr(round_, key) for key in columns} for round_ in rounds_],
        )
        ids = {channel_id: round_id for round_id, channel_id in rows}
        for round_ in rounds_:
            round_.id = ids[round_.channel_id]

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

    async def open_rounds_dated_before(self, *, channel_id: int, round_date: date) -> list[Round]:
        """Return the channel's still-open rounds for local dates before `round_date`, locked."""
        rows = await self.session.scalars(
            select(Round)
            .where(
                Round.channel_id == channel_id,
                Round.round_date < round_date,
                Round.status == RoundStatus.POSTED,
            )
            .order_by(Round.round_date)
            .with_for_update()
        )
        return list(rows)

    # --- answers and streaks -----------------------------------------------------------------

    async def find_answer(self, *, round_id: int, user_id: int) -> Answer | None:
        """Return a member's answer to a round."""
        return await self.session.scalar(
            select(Answer).where(Answer.round_id == round_id, Answer.user_id == user_id)
        )

    async def answer_target(
        self, ref: ChannelRef, *, round_id: int | None, user_id: str = ""
    ) -> AnswerTarget | None:
        """The channel, the round to answer (the given one or the open one) and its newest round.

        None when the channel is not enrolled; the round fields are None when there is no
        such posted round in it. The channel's and the member's (`user_id`) stored languages
        come with it, so the reply's language costs no read of its own.
        """
        target, newest = aliased(Round), aliased(Round)
        member_language = (
            select(User.language)
            .where(User.workspace_id == Channel.workspace_id, User.external_id == user_id)
            .scalar_subquery()
        )
        wanted = (
            target.id == round_id
            if round_id is not None
            else target.id == self._newest_round_id(Round.seq.is_not(None), Round.seq.desc())
        )
        query = (
            select(
                Channel.id,
                target.id,
                target.question_id,
                newest.id,
                newest.status,
                newest.sent_at,
                Channel.language,
                member_language,
            )
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .outerjoin(
                target,
                wanted & (target.channel_id == Channel.id) & target.seq.is_not(None),
            )
            .outerjoin(newest, newest.id == self._newest_round_id(None, Round.round_date.desc()))
            .where(
                Workspace.platform == ref.platform,
                Workspace.external_id == ref.workspace_id,
                Channel.external_id == ref.channel_id,
            )
        )
        found = (await self.session.execute(query)).one_or_none()
        if found is None:
            return None
        channel_id, target_id, question_id, newest_id, status, sent_at, language, mine = found
        unsettled = status in (RoundStatus.SENDING, RoundStatus.UNKNOWN)
        confirm = (newest_id, sent_at) if unsettled and sent_at is not None else None
        return AnswerTarget(channel_id, target_id, question_id, confirm, language, mine)

    @staticmethod
    def _newest_round_id(condition: ColumnElement[bool] | None, order: Any) -> ScalarSelect[int]:
        """The id of the channel's first round in an order (correlated to the channel row)."""
        query = select(Round.id).where(Round.channel_id == Channel.id)
        if condition is not None:
            query = query.where(condition)
        return query.order_by(order).limit(1).correlate(Channel).scalar_subquery()

    async def round_to_answer(self, *, round_id: int) -> RoundToAnswer | None:
        """A posted round with what storing an answer to it needs of its channel."""
        query = (
            select(
                Round.id,
                Round.round_date,
                Round.seq,
                Round.status,
                Channel.id,
                Channel.workspace_id,
                Channel.round_count,
                Channel.freezes_enabled,
                Channel.season_started_on,
                Channel.season_start_seq,
            )
            .join(Channel, Channel.id == Round.channel_id)
            .where(Round.id == round_id, Round.seq.is_not(None))
        )
        found = (await self.session.execute(query)).one_or_none()
        if found is None:
            return None
        round_id_, day, seq, status, channel_id, workspace_id, count, freezes_on, *season = found
        assert seq is not None  # only posted rounds are selected
        closed = status == RoundStatus.CLOSED
        season_on, start_seq = season
        counts = season_on is not None and start_seq is not None and seq > start_seq
        return RoundToAnswer(
            round_id_,
            day,
            seq,
            closed,
            channel_id,
            workspace_id,
            count,
            bool(freezes_on),
            season_on if counts else None,
        )

    async def upsert_member(
        self, *, workspace_id: int, external_id: str, display_name: str, now: datetime
    ) -> int:
        """Create the user or refresh its display name; return its id, in one statement."""
        statement = self._user_upsert(workspace_id, external_id, display_name, now)
        return int(await self.session.scalar(statement.returning(User.id)))

    def _user_upsert(
        self, workspace_id: int, external_id: str, display_name: str, now: datetime
    ) -> Any:
        """INSERT a user, or on its (workspace, id) refresh the display name (either dialect)."""
        statement = self._insert(User).values(
            workspace_id=workspace_id,
            external_id=external_id,
            display_name=display_name,
            created_at=now,
        )
        return statement.on_conflict_do_update(
            index_elements=["workspace_id", "external_id"],
            set_={"display_name": statement.excluded.display_name},
        )

    async def locked_streak(self, *, channel_id: int, user_id: int) -> StreakRecord | None:
        """A member's streak values, with the row locked until the transaction ends."""
        query = (
            select(*_STREAK_RECORD)
            .where(Streak.channel_id == channel_id, Streak.user_id == user_id)
            .with_for_update()
        )
        found = (await self.session.execute(query)).one_or_none()
        return None if found is None else StreakRecord(*found)

    async def save_streak(
        self, *, channel_id: int, user_id: int, record: StreakRecord, new: bool
    ) -> None:
        """Write a member's streak values: a new row, or over the one read locked."""
        values = {column.key: getattr(record, column.key) for column in _STREAK_RECORD}
        if new:
            # A concurrent first answer inserting the same row fails here: the caller retries.
            await self.session.execute(
                insert(Streak).values(channel_id=channel_id, user_id=user_id, **values)
            )
            return
        await self.session.execute(
            update(Streak)
            .where(Streak.channel_id == channel_id, Streak.user_id == user_id)
            .values(**values)
        )

    async def insert_answer(self, **values: Any) -> int | None:
        """Store a first answer (the Answer columns as keywords); None when one exists."""
        statement = (
            self._insert(Answer)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["round_id", "user_id"])
            .returning(Answer.id)
        )
        found = await self.session.scalar(statement)
        return None if found is None else int(found)

    async def stored_answer(self, *, round_id: int, user_id: int) -> StoredAnswer | None:
        """What replacing a member's answer to a round needs to know of it."""
        query = select(Answer.id, Answer.points, Answer.late, Answer.revision, Answer.score).where(
            Answer.round_id == round_id, Answer.user_id == user_id
        )
        found = (await self.session.execute(query)).one_or_none()
        return None if found is None else StoredAnswer(*found)

    async def replace_answer(self, *, answer_id: int, **values: Any) -> None:
        """Overwrite a stored answer's text, grade and revision (Answer columns as keywords)."""
        await self.session.execute(update(Answer).where(Answer.id == answer_id).values(**values))

    async def add_answer(self, answer: Answer) -> Answer:
        """Store a first answer."""
        self.session.add(answer)
        await self.session.flush()
        return answer

    async def round_tally(self, *, round_id: int) -> tuple[int, float | None]:
        """Count a round's on-time answers and average their scores."""
        row = (
            await self.session.execute(
                select(func.count(), func.avg(Answer.score)).where(
                    Answer.round_id == round_id, Answer.late.is_(False)
                )
            )
        ).one()
        return int(row[0]), None if row[1] is None else float(row[1])

    async def round_missed_counts(self, *, round_id: int) -> dict[str, int]:
        """Count, per criterion id, the on-time answers of a round that missed it."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        rows = await self.session.execute(_MISSED_COUNTS[dialect], {"round_id": round_id})
        return {str(criterion): int(count) for criterion, count in rows}

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

    async def member_history(
        self, *, channel_id: int, user_id: int, limit: int, offset: int
    ) -> list[PastAnswer]:
        """One page of a member's answers in a channel, newest round first."""
        rows = await self.session.execute(
            select(Round.round_date, Round.question_id, Answer.score, Answer.late, Answer.covered)
            .join(Round, Round.id == Answer.round_id)
            .where(Answer.user_id == user_id, Round.channel_id == channel_id)
            .order_by(Round.round_date.desc(), Answer.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            PastAnswer(day, question_id, score, late, tuple(covered.get("missed", [])))
            for day, question_id, score, late, covered in rows
        ]

    async def member_answers(
        self, *, channel_id: int, user_id: int, since: date | None = None
    ) -> list[PastAnswer]:
        """All of a member's answers in a channel (from `since` when given), oldest round first."""
        conditions = [Answer.user_id == user_id, Round.channel_id == channel_id]
        if since is not None:
            conditions.append(Round.round_date >= since)
        rows = await self.session.execute(
            select(Round.round_date, Round.question_id, Answer.score, Answer.late, Answer.covered)
            .join(Round, Round.id == Answer.round_id)
            .where(*conditions)
            .order_by(Round.round_date, Answer.id)
        )
        return [
            PastAnswer(day, question_id, score, late, tuple(covered.get("missed", [])))
            for day, question_id, score, late, covered in rows
        ]

    async def channel_answers(self, *, channel_id: int) -> list[ChannelAnswer]:
        """Every answer in a channel with its member and their streak, oldest round first.

        An admin export reads the whole channel; no member-facing command does.
        """
        rows = await self.session.execute(
            select(
                Round.round_date,
                Round.question_id,
                User.external_id,
                User.display_name,
                Answer.score,
                Answer.points,
                Answer.late,
                Answer.revision,
                Answer.updated_at,
                Answer.text,
                Streak.current,
                Streak.longest,
                Streak.last_round_seq,
            )
            .join(Round, Round.id == Answer.round_id)
            .join(User, User.id == Answer.user_id)
            .outerjoin(Streak, (Streak.channel_id == channel_id) & (Streak.user_id == User.id))
            .where(Round.channel_id == channel_id)
            .order_by(Round.round_date, Answer.id)
        )
        return [ChannelAnswer(*tuple(row)) for row in rows]

    async def held_round_dates(self, *, channel_id: int, since: date) -> list[date]:
        """The local dates of a channel's rounds that reached the channel, from `since` on."""
        rows = await self.session.scalars(
            select(Round.round_date)
            .where(
                Round.channel_id == channel_id,
                Round.round_date >= since,
                Round.status.in_((RoundStatus.POSTED, RoundStatus.CLOSED)),
            )
            .order_by(Round.round_date)
        )
        return list(rows)

    async def member_answer_count(self, *, channel_id: int, user_id: int) -> int:
        """How many answers a member gave in a channel."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Round, Round.id == Answer.round_id)
            .where(Answer.user_id == user_id, Round.channel_id == channel_id)
        )
        return int(found or 0)

    async def streak_board(
        self, *, channel_id: int, limit: int | None, everyone: bool = True, longest: bool = False
    ) -> list[RankedRow]:
        """Members by current or longest streak, then points, then who reached it first.

        Read in index order; without `everyone`, hidden members are skipped inside the index.
        """
        streak, reached, shown = self._streak_columns(Streak, longest=longest)
        query = (
            select(
                User.id,
                User.display_name,
                User.external_id,
                streak,
                Streak.points,
                reached,
                Streak.hidden,
            )
            .join(User, User.id == Streak.user_id)
            .where(Streak.channel_id == channel_id, shown, *self._visible(Streak, everyone))
            .order_by(streak.desc(), Streak.points.desc(), reached, Streak.user_id)
            .limit(limit)
        )
        return [RankedRow(*row) for row in await self.session.execute(query)]

    async def viewer_on_streak_board(
        self,
        *,
        channel_id: int,
        workspace_id: int,
        external_id: str,
        everyone: bool = True,
        longest: bool = False,
    ) -> RankedRow | None:
        """A member's streak row with their rank among the rows shown, in one query."""
        other = aliased(Streak)
        mine, _reached, shown = self._streak_columns(Streak, longest=longest)
        theirs, _, _ = self._streak_columns(other, longest=longest)
        same = [other.channel_id == Streak.channel_id, *self._visible(other, everyone)]
        ahead = self._count_of(other, *same, theirs > mine)
        level = self._count_of(other, *same, theirs == mine, other.points > Streak.points)
        query = (
            select(
                User.id,
                User.display_name,
                User.external_id,
                mine,
                Streak.points,
                Streak.reached_at,
                Streak.hidden,
                1 + ahead + level,
            )
            .join(User, User.id == Streak.user_id)
            .where(
                Streak.channel_id == channel_id,
                User.workspace_id == workspace_id,
                User.external_id == external_id,
                shown,
            )
        )
        found = (await self.session.execute(query)).one_or_none()
        return None if found is None else RankedRow(*found)

    @staticmethod
    def _streak_columns(model: Any, *, longest: bool) -> tuple[Any, Any, ColumnElement[bool]]:
        """The streak ranked by, when it was reached, and which rows a streak board shows."""
        if longest:
            return model.longest, model.longest_at, model.longest > 0
        return model.current, model.reached_at, (model.current > 0) | (model.points > 0)

    @staticmethod
    def _visible(model: Any, everyone: bool) -> list[ColumnElement[bool]]:
        """No condition for everyone; otherwise leave hidden members out."""
        return [] if everyone else [model.hidden == false()]

    async def ensure_streak(self, *, channel_id: int, user_id: int, now: datetime) -> Streak:
        """Return the member's streak row locked, creating an empty one."""
        row = await self.get_streak(channel_id=channel_id, user_id=user_id, lock=True)
        if row is not None:
            return row
        return await self.add_streak(
            Streak(
                channel_id=channel_id,
                user_id=user_id,
                current=0,
                longest=0,
                points=0,
                reached_at=now,
                longest_at=now,
                hidden=False,
            )
        )

    async def set_hidden(self, *, channel_id: int, user_id: int, hidden: bool) -> None:
        """Copy a member's board choice onto their point totals (their streak row holds it)."""
        await self.session.execute(
            update(PointTotal)
            .where(PointTotal.channel_id == channel_id, PointTotal.user_id == user_id)
            .values(hidden=hidden)
        )

    async def break_missed_streaks(
        self, *, channel_id: int, open_seq: int, freezes_on: bool = True
    ) -> None:
        """Settle the streaks of members who missed the round before `open_seq` (it just closed).

        StreakState.after_missed in SQL: a member holding a freeze spends it and keeps the
        streak (and is told on their next private reply); everyone else's streak is zeroed.
        """
        missed = [
            Streak.channel_id == channel_id,
            Streak.current > 0,
            Streak.last_round_seq < open_seq - 1,
        ]
        if freezes_on:
            await self.session.execute(
                update(Streak)
                .where(*missed, Streak.freezes > 0)
                .values(
                    freezes=Streak.freezes - 1,
                    freezes_unseen=Streak.freezes_unseen + 1,
                    last_round_seq=open_seq - 1,
                )
            )
        await self.session.execute(update(Streak).where(*missed).values(current=0))

    async def break_missed_streaks_many(self, rounds_: Sequence[tuple[int, int, bool]]) -> None:
        """break_missed_streaks for many channels, two statements in all.

        Each item is (channel id, the number of the round just opened, freezes on). Every
        channel's rows are its own, so spending freezes everywhere first, then zeroing, ends
        as the channels one after another would.
        """
        table = cast(Table, Streak.__table__)
        missed = (
            table.c.channel_id == bindparam("channel"),
            table.c.current > 0,
            table.c.last_round_seq < bindparam("closed_seq"),
        )
        spend = [
            {"channel": channel_id, "closed_seq": seq - 1}
            for channel_id, seq, freezes_on in rounds_
            if freezes_on
        ]
        if spend:
            await self.session.execute(
                update(table)
                .where(*missed, table.c.freezes > 0)
                .values(
                    freezes=table.c.freezes - 1,
                    freezes_unseen=table.c.freezes_unseen + 1,
                    last_round_seq=bindparam("closed_seq"),
                ),
                spend,
            )
        await self.session.execute(
            update(table).where(*missed).values(current=0),
            [{"channel": channel_id, "closed_seq": seq - 1} for channel_id, seq, _on in rounds_],
        )

    async def take_freeze_notice(self, *, channel_id: int, user_id: int) -> tuple[int, int]:
        """Return (freezes spent untold, freezes held) and mark the spent ones told."""
        row = await self.session.execute(
            select(Streak.freezes_unseen, Streak.freezes).where(
                Streak.channel_id == channel_id, Streak.user_id == user_id
            )
        )
        found = row.one_or_none()
        if found is None or not found[0]:
            return 0, 0 if found is None else int(found[1])
        await self.session.execute(
            update(Streak)
            .where(Streak.channel_id == channel_id, Streak.user_id == user_id)
            .values(freezes_unseen=0)
        )
        return int(found[0]), int(found[1])

    async def add_points(
        self,
        *,
        channel_id: int,
        user_id: int,
        round_date: date,
        points: int,
        now: datetime,
        hidden: bool = False,
        season_on: date | None = None,
    ) -> None:
        """Add on-time points to the week, month, all-time (and season) totals, in one statement."""
        starts = [(period, period.start(round_date)) for period in WINDOWS]
        if season_on is not None:
            starts.append((Period.SEASON, season_on))
        rows = [
            {
                "channel_id": channel_id,
                "period": period.value,
                "starts_on": starts_on,
                "user_id": user_id,
                "points": points,
                "first_at": now,
                "hidden": hidden,
            }
            for period, starts_on in starts
        ]
        statement = self._insert(PointTotal).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["channel_id", "period", "starts_on", "user_id"],
            set_={"points": PointTotal.points + statement.excluded.points},
        )
        await self.session.execute(statement)

    async def points_board(
        self,
        *,
        channel_id: int,
        period: Period,
        starts_on: date,
        limit: int | None,
        everyone: bool = True,
    ) -> list[RankedRow]:
        """Members by points in one period, then who answered first; read in index order."""
        query = (
            select(*_POINTS_ROW)
            .join(User, User.id == PointTotal.user_id)
            .where(
                *self._period(channel_id, period, starts_on), *self._visible(PointTotal, everyone)
            )
            .order_by(PointTotal.points.desc(), PointTotal.first_at, PointTotal.user_id)
            .limit(limit)
        )
        return [RankedRow(*row) for row in await self.session.execute(query)]

    async def viewer_on_points_board(
        self,
        *,
        channel_id: int,
        period: Period,
        starts_on: date,
        workspace_id: int,
        external_id: str,
        everyone: bool = True,
    ) -> RankedRow | None:
        """A member's total in one period with their rank among those shown, in one query."""
        other = aliased(PointTotal)
        ahead = self._count_of(
            other,
            *self._visible(other, everyone),
            other.channel_id == PointTotal.channel_id,
            other.period == PointTotal.period,
            other.starts_on == PointTotal.starts_on,
            other.points > PointTotal.points,
        )
        query = (
            select(*_POINTS_ROW, 1 + ahead)
            .join(User, User.id == PointTotal.user_id)
            .where(
                *self._period(channel_id, period, starts_on),
                User.workspace_id == workspace_id,
                User.external_id == external_id,
            )
        )
        found = (await self.session.execute(query)).one_or_none()
        return None if found is None else RankedRow(*found)

    @staticmethod
    def _period(channel_id: int, period: Period, starts_on: date) -> list[ColumnElement[bool]]:
        """The conditions selecting one channel's totals for one period."""
        return [
            PointTotal.channel_id == channel_id,
            PointTotal.period == period.value,
            PointTotal.starts_on == starts_on,
        ]

    @staticmethod
    def _count_of(model: Any, *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
        """A correlated count of a model's rows that meet every condition."""
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    # --- streak corrections ------------------------------------------------------------------

    async def members_named(self, *, workspace_id: int, name: str) -> list[User]:
        """Members whose platform id or display name is `name` (case-insensitive)."""
        wanted = name.lower()
        rows = await self.session.scalars(
            select(User).where(
                User.workspace_id == workspace_id,
                (func.lower(User.external_id) == wanted)
                | (func.lower(User.display_name) == wanted),
            )
        )
        return list(rows)

    async def add_correction(self, **values: Any) -> StreakCorrection:
        """Record an admin's streak correction (the StreakCorrection columns as keywords)."""
        correction = StreakCorrection(**values)
        self.session.add(correction)
        await self.session.flush()
        return correction

    async def last_correction(self, *, channel_id: int) -> StreakCorrection | None:
        """The channel's newest correction not yet undone, locked."""
        return await self.session.scalar(
            select(StreakCorrection)
            .where(StreakCorrection.channel_id == channel_id, StreakCorrection.undone_at.is_(None))
            .order_by(StreakCorrection.id.desc())
            .limit(1)
            .with_for_update()
        )

    async def corrections_of(self, *, user_id: int) -> list[StreakCorrection]:
        """Every correction of a member's streaks, oldest first."""
        rows = await self.session.scalars(
            select(StreakCorrection)
            .where(StreakCorrection.user_id == user_id)
            .order_by(StreakCorrection.id)
        )
        return list(rows)

    async def get_user(self, *, user_id: int) -> User | None:
        """Return a user by primary key."""
        return await self.session.get(User, user_id)

    # --- processed events --------------------------------------------------------------------

    async def record_event(self, *, platform: str, event_id: str, now: datetime) -> bool:
        """Record an event id; return False when it was already recorded."""
        return await self._insert_ignore(
            ProcessedEvent, {"platform": platform, "event_id": event_id, "received_at": now}
        )

    async def event_recorded(self, *, platform: str, event_id: str) -> bool:
        """Tell whether an event id was recorded."""
        found = await self.session.scalar(
            select(ProcessedEvent.id).where(
                ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id
            )
        )
        return found is not None

    async def forget_events_before(self, *, cutoff: datetime) -> int:
        """Drop processed-event records older than a cutoff."""
        result = await self.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- helpers -----------------------------------------------------------------------------

    async def reserve_slots(
        self, *, bucket: str, count: int, interval: float, wait: float = 0.0
    ) -> float:
        """Take request slots from a shared budget; return the seconds until the first."""
        return await budgets.reserve_slots(
            session=self.session, bucket=bucket, count=count, interval=interval, wait=wait
        )

    async def _insert_ignore(self, model: type[Any], values: dict[str, Any]) -> bool:
        """Insert a row unless a unique key already exists; return whether it was inserted."""
        statement = self._insert(model).values(**values).on_conflict_do_nothing()
        result = await self.session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    def _insert(self, model: type[Any]) -> Any:
        """Start this dialect's INSERT, which knows ON CONFLICT."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)
