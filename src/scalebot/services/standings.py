"""Read streaks, leaderboards and a member's practice statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from scalebot.db.repository import RankedRow
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.domain.streaks import StreakState
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError
from scalebot.services.replies import Standing, leaderboard_reply, streak_reply

MEMBER_BOARD_SIZE = 10


class Period(StrEnum):
    """A points window, in the channel's local days (today included)."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"

    @property
    def days(self) -> int | None:
        """Length in days, or None for all time."""
        return {"week": 7, "month": 30, "all": None}[self.value]


def parse_period(text: str) -> Period:
    """Parse week, month or all."""
    try:
        return Period(text.strip().lower())
    except ValueError:
        raise UserError(f"'{text}' is not a period: use week, month or all.") from None


@dataclass(frozen=True)
class StreakView:
    """A member's streak in a channel."""

    current: int
    longest: int
    points: int
    answered_open_round: bool
    reply: Reply


async def read_streak(ctx: AppContext, *, channel: ChannelRef, user: UserRef) -> StreakView:
    """Return a member's live streak (a missed round counts once it has closed)."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        streak = await repo.get_streak(channel_id=row.id, user_id=member.id) if member else None
    if streak is None:
        state, points = StreakState(), 0
    else:
        state, points = (
            StreakState(streak.current, streak.longest, streak.last_round_seq),
            streak.points,
        )
    current = state.effective(row.round_count)
    answered = state.last_round_seq is not None and state.last_round_seq == row.round_count
    reply = streak_reply(current=current, longest=state.longest, answered_open_round=answered)
    return StreakView(current, state.longest, points, answered, reply)


@dataclass(frozen=True)
class LeaderboardView:
    """A ranked board and the viewer's own line."""

    rows: tuple[Standing, ...]
    viewer: Standing | None
    reply: Reply


async def leaderboard(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    viewer: UserRef | None,
    now: datetime,
    period: Period | None = None,
    limit: int | None = MEMBER_BOARD_SIZE,
) -> LeaderboardView:
    """Rank by live streak (no period) or by points over a period; top `limit` plus the viewer."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        if period is None:
            ranked = await repo.streak_ranking(channel_id=row.id, open_seq=row.round_count)
            ranked = [r for r in ranked if r.streak > 0 or r.points > 0]
            title = "Leaderboard by streak"
        else:
            since = _period_start(row.timezone, now, period)
            ranked = await repo.points_ranking(channel_id=row.id, since=since)
            title = f"Leaderboard by points ({_period_label(period)})"
    standings = _standings(ranked, viewer)
    shown = standings if limit is None else standings[:limit]
    mine = next((s for s in standings if s.is_viewer), None)
    reply = leaderboard_reply(title, shown, by_points=period is not None, viewer=mine)
    return LeaderboardView(tuple(shown), mine, reply)


def _period_start(zone: str, now: datetime, period: Period) -> date | None:
    """First local date inside the period, or None for all time."""
    if period.days is None:
        return None
    today = now.astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=period.days - 1)


def _period_label(period: Period) -> str:
    """Words for a period."""
    return {"week": "last 7 days", "month": "last 30 days", "all": "all time"}[period.value]


def _standings(ranked: list[RankedRow], viewer: UserRef | None) -> list[Standing]:
    """Number the rows; equal rows share a rank."""
    standings: list[Standing] = []
    for index, row in enumerate(ranked):
        previous = standings[-1] if standings else None
        same = previous is not None and (previous.streak, previous.points) == (
            row.streak,
            row.points,
        )
        rank = previous.rank if same and previous is not None else index + 1
        is_viewer = viewer is not None and row.external_id == viewer.user_id
        standings.append(Standing(rank, row.display_name, row.streak, row.points, is_viewer))
    return standings


@dataclass(frozen=True)
class StatsView:
    """A member's practice history in a channel."""

    answers: int
    average_score: float | None
    best_score: int | None
    most_missed: str | None
    reply: Reply


async def member_stats(ctx: AppContext, *, channel: ChannelRef, user: UserRef) -> StatsView:
    """Summarise a member's answers in a channel."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        history = await repo.user_answers(user_id=member.id) if member else []
    answers = [answer for answer, round_ in history if round_.channel_id == row.id]
    if not answers:
        reply = Reply(title="No answers yet", body="Answer the current round with /scale answer.")
        return StatsView(0, None, None, None, reply)
    scores = [answer.score for answer in answers]
    missed: Counter[str] = Counter()
    for answer in answers:
        missed.update(answer.covered.get("missed", []))
    most_missed = missed.most_common(1)[0][0] if missed else None
    average = sum(scores) / len(scores)
    fields = [
        Field("Answers", str(len(answers))),
        Field("Average score", f"{average:.0f}/100"),
        Field("Best score", f"{max(scores)}/100"),
        Field("Recent scores", " ".join(str(s) for s in scores[-10:])),
    ]
    if most_missed:
        fields.append(Field("Most often missed", most_missed))
    reply = Reply(title="Your practice so far", fields=tuple(fields))
    return StatsView(len(answers), average, max(scores), most_missed, reply)
