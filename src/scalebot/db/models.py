"""Typed SQLAlchemy models. Alembic owns the schema; create_all is for tests only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scalebot.domain.rounds import ChannelState

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("scalebot stores aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes on every database."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Workspace(Base):
    """A Slack team, a Discord guild, or the console's simulated workspace."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Channel(Base):
    """An enrolled channel: its schedule, zone and state."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    post_time: Mapped[time] = mapped_column(Time)
    days: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=ChannelState.ACTIVE)
    state_reason: Mapped[str | None] = mapped_column(String(200))
    round_count: Mapped[int] = mapped_column(Integer, default=0)
    # Streak freezes: earned and spent only while on (admins can turn them off).
    freezes_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # The language of its public posts (daily question, round summary, public boards).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    enrolled_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Which questions its rounds ask: comma-separated topics and difficulties (NULL = all).
    topics: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(String(32))
    # The points season an admin started: its name, its first local day (the key of its
    # point_totals rows) and the round count then (later rounds count for it).
    season_name: Mapped[str | None] = mapped_column(String(80))
    season_started_on: Mapped[date | None] = mapped_column(Date)
    season_start_seq: Mapped[int | None] = mapped_column(Integer)
    # The weekly digest on the first round of each week (admins can turn it off).
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # The role (Discord) or user group (Slack) each daily post pings, by its platform id.
    ping: Mapped[str | None] = mapped_column(String(64))


class WeeklyDigest(Base):
    """A channel's digest of a week, claimed once by the first round of the week after it.

    The primary key makes the claim exactly-once across restarts and processes; the digest
    itself is posted at most once (a claimer that dies before posting leaves the week without).
    """

    __tablename__ = "weekly_digests"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    # The Monday of the week whose first round posts it (the digest reads the week before).
    week_starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    claimed_at: Mapped[datetime]


class SkippedDate(Base):
    """A local date on which a channel gets no round (a holiday, an offsite)."""

    __tablename__ = "skipped_dates"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed alone too: the fan-out asks which channels skip today, across channels.
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]


class User(Base):
    """A member of a workspace."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))
    # The member's own choice of language; NULL = their platform's locale, else the channel's.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]


class StoredQuestion(Base):
    """A bank question as last synced; the version grows when its content changes."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(32))
    content: Mapped[dict[str, Any]]
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    synced_at: Mapped[datetime]


class Round(Base):
    """One question posted in one channel for one local date."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("channel_id", "round_date"),
        UniqueConstraint("channel_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    round_date: Mapped[date] = mapped_column(Date)
    # Numbered when posted (1, 2, 3 … per channel); a claim that never posted has none.
    seq: Mapped[int | None] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    question_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    message_ref: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime]
    # Until then the process that claimed the round owns it; afterwards any watchdog may act
    # (a failed round: the time of its next retry).
    lease_until: Mapped[datetime | None] = mapped_column(index=True)
    # When the first request to the platform went out: where a search for the post begins.
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    posted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Answer(Base):
    """A member's answer to a round; answering again replaces it and counts a revision."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    covered: Mapped[dict[str, Any]]
    grader_version: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Streak(Base):
    """A member's streak in a channel, kept incrementally.

    `current` is set to 0 when a round posts after one the member missed, so the streak boards
    read the indexes below in order and stop after ten rows. `hidden` (the member left the
    boards) comes last in each index: a member board filters on it without leaving the index,
    and an admin's board, which shows everyone, reads the same index in the same order.
    """

    __tablename__ = "streaks"
    __table_args__ = (
        UniqueConstraint("channel_id", "user_id"),
        Index(
            "ix_streaks_board",
            "channel_id",
            "current",
            "points",
            "reached_at",
            "user_id",
            "hidden",
        ),
        Index(
            "ix_streaks_longest",
            "channel_id",
            "longest",
            "points",
            "longest_at",
            "user_id",
            "hidden",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    longest: Mapped[int] = mapped_column(Integer, default=0)
    last_round_seq: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer, default=0)
    reached_at: Mapped[datetime]
    # When `longest` was reached: who got there first wins a tie on the longest board.
    longest_at: Mapped[datetime]
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Streak freezes held (see domain/streaks.py), and those spent that the member was not told
    # of yet: the next private reply tells them.
    freezes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    freezes_unseen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StreakCorrection(Base):
    """An admin's change to a member's streak: who, when, why, and the values before and after.

    Undoing one sets `undone_at` and `undone_by`; the row itself stays, as the audit trail.
    """

    __tablename__ = "streak_corrections"
    __table_args__ = (Index("ix_streak_corrections_channel", "channel_id", "undone_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    admin_id: Mapped[str] = mapped_column(String(64))
    admin_name: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    old_current: Mapped[int] = mapped_column(Integer)
    new_current: Mapped[int] = mapped_column(Integer)
    old_longest: Mapped[int] = mapped_column(Integer)
    new_longest: Mapped[int] = mapped_column(Integer)
    old_last_round_seq: Mapped[int | None] = mapped_column(Integer)
    new_last_round_seq: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(64))


class Reminder(Base):
    """A member's opt-in to a private nudge before the channel's open round closes.

    `last_round_id` is the round they were last nudged about: setting it, in one conditional
    UPDATE before the message goes out, is what makes a nudge once per round across processes.
    """

    __tablename__ = "reminders"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_round_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class PracticeMember(Base):
    """A member's personal practice: the question served to them and not answered yet."""

    __tablename__ = "practice_members"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id"))
    served_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class PracticeCard(Base):
    """One rubric criterion of one question for one member, scheduled by FSRS.

    The columns are FSRS's card (state, step, stability, difficulty, due, last review); the
    (user, due) index reads one member's cards in due order.
    """

    __tablename__ = "practice_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id", "criterion_id"),
        Index("ix_practice_cards_due", "user_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    criterion_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    misses: Mapped[int] = mapped_column(Integer, default=0)


class PracticeAnswer(Base):
    """A practice answer with its grade: never a round's answer, so no streak, points or board."""

    __tablename__ = "practice_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    covered: Mapped[dict[str, Any]]
    grader_version: Mapped[str] = mapped_column(String(32))
    served_at: Mapped[datetime]
    answered_at: Mapped[datetime]


class PointTotal(Base):
    """A member's on-time points in a channel for one period: a week, a month or all time.

    Kept in the answer's own transaction, so a points board is an index read, never a scan of
    answers. Weeks start on Monday and months on the 1st, in the channel's local dates; all time
    uses ALL_TIME_START. `hidden` copies the member's choice on their streak row (see Streak).
    """

    __tablename__ = "point_totals"
    __table_args__ = (
        Index(
            "ix_point_totals_board",
            "channel_id",
            "period",
            "starts_on",
            "points",
            "first_at",
            "user_id",
            "hidden",
        ),
    )

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    points: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime]
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class ProcessedEvent(Base):
    """A platform event id already handled, so a retried delivery changes nothing."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(index=True)


class RateBudget(Base):
    """The next free request slot of a rate limit that every process of the bot shares.

    `next_at` is in seconds since the epoch on the database's clock, so processes on machines
    whose clocks disagree still share one budget.
    """

    __tablename__ = "rate_budgets"

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


# --- Slack OAuth ------------------------------------------------------------------------------
# The tables of slack_sdk's SQLAlchemy installation and state stores (the multi-workspace install
# flow), declared here so Alembic owns them too. tests/platforms/slack/test_oauth.py checks that
# they still match what slack_sdk builds.


def _slack_installation_columns(*, enterprise_url: bool) -> list[Column[Any]]:
    """Columns shared by slack_bots and slack_installations (only the latter has the URL)."""
    url = [Column("enterprise_url", String(200))] if enterprise_url else []
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
        *url,
        Column("team_id", String(32)),
        Column("team_name", String(200)),
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


slack_bots = Table(
    "slack_bots",
    Base.metadata,
    *_slack_installation_columns(enterprise_url=False),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_installations = Table(
    "slack_installations",
    Base.metadata,
    *_slack_installation_columns(enterprise_url=True),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
