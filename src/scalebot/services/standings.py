"""Read streaks, leaderboards and a member's practice statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scalebot.db.repository import RankedRow, Repository
from scalebot.domain.leaderboard import Period, shared_ranks

__all__ = ["Period", "leaderboard", "member_stats", "parse_period", "read_streak"]
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.domain.streaks import StreakState
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError
from scalebot.services.replies import Standing, leaderboard_reply, streak_reply

MEMBER_BOARD_SIZE = 10


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
    """Rank by streak (no period) or by points over a period; top `limit` plus the viewer.

    Every read is an index range: the board in index order with a LIMIT, and the viewer's
    rank as a count of the rows ahead, so the cost does not grow with the channel's size.
    """
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = None
        if viewer is not None:
            member = await repo.find_user(workspace_id=row.workspace_id, external_id=viewer.user_id)
        if period is None:
            ranked = await repo.streak_board(channel_id=row.id, limit=limit)
            mine = await _streak_viewer(repo, row.id, member.id if member else None)
            title = "Leaderboard by streak"
        else:
            starts_on = period.start(now.astimezone(ZoneInfo(row.timezone)).date())
            ranked = await repo.points_board(
                channel_id=row.id, period=period, starts_on=starts_on, limit=limit
            )
            mine = await _points_viewer(
                repo, row.id, period, starts_on, member.id if member else None
            )
            title = f"Leaderboard by points ({period.label})"
    standings = _standings(ranked, viewer)
    viewer_line = next((s for s in standings if s.is_viewer), None)
    if viewer_line is None and mine is not None and viewer is not None:
        rank, streak, points, name = mine
        viewer_line = Standing(rank, name, streak, points, is_viewer=True)
    reply = leaderboard_reply(title, standings, by_points=period is not None, viewer=viewer_line)
    return LeaderboardView(tuple(standings), viewer_line, reply)


async def _streak_viewer(
    repo: Repository, channel_id: int, user_id: int | None
) -> tuple[int, int, int, str] | None:
    """The viewer's rank, streak, points and name on the streak board, if they are on it."""
    if user_id is None:
        return None
    streak = await repo.get_streak(channel_id=channel_id, user_id=user_id)
    if streak is None or (streak.current == 0 and streak.points == 0):
        return None
    rank = await repo.streak_rank(
        channel_id=channel_id, current=streak.current, points=streak.points
    )
    return rank, streak.current, streak.points, await repo.display_name(user_id=user_id)


async def _points_viewer(
    repo: Repository, channel_id: int, period: Period, starts_on: date, user_id: int | None
) -> tuple[int, int, int, str] | None:
    """The viewer's rank, 0, points and name on a points board, if they are on it."""
    if user_id is None:
        return None
    points = await repo.points_of(
        channel_id=channel_id, period=period, starts_on=starts_on, user_id=user_id
    )
    if points is None:
        return None
    rank = await repo.points_rank(
        channel_id=channel_id, period=period, starts_on=starts_on, points=points
    )
    return rank, 0, points, await repo.display_name(user_id=user_id)


def _standings(ranked: list[RankedRow], viewer: UserRef | None) -> list[Standing]:
    """Number the rows from 1; equal rows share a rank."""
    ranks = shared_ranks([(row.streak, row.points) for row in ranked])
    return [
        Standing(
            rank,
            row.display_name,
            row.streak,
            row.points,
            viewer is not None and row.external_id == viewer.user_id,
        )
        for rank, row in zip(ranks, ranked, strict=True)
    ]


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
