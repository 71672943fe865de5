"""Read streaks, leaderboards and a member's practice statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scalebot.db.repository import RankedRow, Repository
from scalebot.domain.leaderboard import Period, shared_ranks

__all__ = [
    "Period",
    "leaderboard",
    "member_stats",
    "parse_board",
    "parse_period",
    "read_streak",
    "set_hidden",
]
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.domain.streaks import StreakState
from scalebot.domain.untrusted import public_name
from scalebot.locales import ENGLISH, Message, Translator, _
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError
from scalebot.services.freezes import holdings_text
from scalebot.services.questions import criterion_title, question_of
from scalebot.services.replies import Standing, leaderboard_reply, streak_reply

MEMBER_BOARD_SIZE = 10
NO_ANSWERS = _("No answers yet")
ANSWER_FIRST = _("Answer the current round with /scale answer.")
NO_SEASON = _("No season is running here: an admin starts one with /scale admin season start NAME.")


def parse_period(text: str) -> Period:
    """Parse week, month or all."""
    try:
        return Period(text.strip().lower())
    except ValueError:
        raise UserError(_("'{text}' is not a period: use week, month or all.", text=text)) from None


def parse_board(text: str) -> tuple[Period | None, bool]:
    """Parse streak, longest, week, month or all into (period, longest)."""
    word = text.strip().lower()
    if word in ("streak", "longest"):
        return None, word == "longest"
    try:
        return Period(word), False
    except ValueError:
        raise UserError(
            _(
                "'{text}' is not a board: use streak, longest, week, month, all or season.",
                text=text,
            )
        ) from None


@dataclass(frozen=True)
class StreakView:
    """A member's streak in a channel."""

    current: int
    longest: int
    points: int
    answered_open_round: bool
    reply: Reply
    freezes: int = 0


async def read_streak(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, t: Translator = ENGLISH
) -> StreakView:
    """Return a member's live streak (a missed round counts once it has closed)."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        streak = await repo.get_streak(channel_id=row.id, user_id=member.id) if member else None
    if streak is None:
        state, points = StreakState(), 0
    else:
        state, points = (
            StreakState(streak.current, streak.longest, streak.last_round_seq, streak.freezes),
            streak.points,
        )
    current = state.effective(row.round_count)
    answered = state.last_round_seq is not None and state.last_round_seq == row.round_count
    reply = streak_reply(current=current, longest=state.longest, answered_open_round=answered, t=t)
    freeze_line = holdings_text(held=state.freezes, current=current, enabled=row.freezes_enabled)
    freeze_field = Field(t(_("Streak freezes")), t(freeze_line))
    reply = replace(reply, fields=(*reply.fields, freeze_field))
    return StreakView(current, state.longest, points, answered, reply, state.freezes)


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
    longest: bool = False,
    everyone: bool = False,
    t: Translator = ENGLISH,
) -> LeaderboardView:
    """Rank by current or longest streak (no period) or by points over a period.

    Top `limit` plus the viewer. Hidden members are left out unless `everyone` (an admin's
    private view); a hidden viewer still sees their own rank among the members shown. Every
    read is an index range: the board in index order with a LIMIT, and the viewer's rank as a
    count of the rows ahead, so the cost does not grow with the channel's size.
    """
    board = _Board(period, longest, everyone)
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        local_today = now.astimezone(ZoneInfo(row.timezone)).date()
        starts_on = season_start(row.season_started_on, local_today, period)
        if period is None:
            ranked = await repo.streak_board(
                channel_id=row.id, limit=limit, everyone=everyone, longest=longest
            )
        else:
            ranked = await repo.points_board(
                channel_id=row.id,
                period=period,
                starts_on=starts_on,
                limit=limit,
                everyone=everyone,
            )
        standings = _standings(ranked, viewer)
        viewer_line = next((s for s in standings if s.is_viewer), None)
        if viewer_line is None and viewer is not None:
            where = (row.id, row.workspace_id, starts_on)
            viewer_line = await _viewer_line(repo, where, viewer, board)
    reply = leaderboard_reply(
        t(board.title(row.season_name)),
        standings,
        by_points=period is not None,
        viewer=viewer_line,
        longest=longest,
        t=t,
    )
    return LeaderboardView(tuple(standings), viewer_line, reply)


def season_start(started_on: date | None, local_today: date, period: Period | None) -> date:
    """The first day of the board's totals: the season's, or the calendar period's."""
    if period is not Period.SEASON:
        return period.start(local_today) if period is not None else local_today
    if started_on is None:
        raise UserError(NO_SEASON)
    return started_on


@dataclass(frozen=True)
class _Board:
    """Which board: by points over a period, or by current or longest streak; who is shown."""

    period: Period | None
    longest: bool
    everyone: bool

    def title(self, season: str | None = None) -> Message:
        """The board's title, with the season's name as the admin typed it."""
        if self.period is Period.SEASON and season:
            name = public_name(season)
            return _("Leaderboard by points (this season): {name}", name=name)
        if self.period is Period.WEEK:
            return _("Leaderboard by points (this week)")
        if self.period is Period.MONTH:
            return _("Leaderboard by points (this month)")
        if self.period is Period.SEASON:
            return _("Leaderboard by points (this season)")
        if self.period is not None:
            return _("Leaderboard by points (all time)")
        if self.longest:
            return _("Leaderboard by longest streak")
        return _("Leaderboard by streak")


async def _viewer_line(
    repo: Repository, where: tuple[int, int, date], viewer: UserRef, board: _Board
) -> Standing | None:
    """The viewer's own line when they are below the shown rows, or None when not on the board.

    `where` is the channel id, its workspace id and the first day of the board's totals.
    """
    channel_id, workspace_id, starts_on = where
    if board.period is None:
        found = await repo.viewer_on_streak_board(
            channel_id=channel_id,
            workspace_id=workspace_id,
            external_id=viewer.user_id,
            everyone=board.everyone,
            longest=board.longest,
        )
    else:
        found = await repo.viewer_on_points_board(
            channel_id=channel_id,
            period=board.period,
            starts_on=starts_on,
            workspace_id=workspace_id,
            external_id=viewer.user_id,
            everyone=board.everyone,
        )
    if found is None or found.rank is None:
        return None
    return Standing(
        found.rank,
        found.display_name,
        found.streak,
        found.points,
        is_viewer=True,
        hidden=found.hidden,
    )


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
            row.hidden,
        )
        for rank, row in zip(ranks, ranked, strict=True)
    ]


async def set_hidden(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, hidden: bool, now: datetime
) -> None:
    """Leave the channel's member boards, or come back (admins always see everyone)."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel)
        member = await repo.upsert_user(
            workspace_id=row.workspace_id,
            external_id=user.user_id,
            display_name=user.display_name,
            now=now,
        )
        streak = await repo.ensure_streak(channel_id=row.id, user_id=member.id, now=now)
        streak.hidden = hidden
        await repo.set_hidden(channel_id=row.id, user_id=member.id, hidden=hidden)


@dataclass(frozen=True)
class StatsView:
    """A member's practice history in a channel."""

    answers: int
    average_score: float | None
    best_score: int | None
    most_missed: str | None
    reply: Reply


async def member_stats(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, t: Translator = ENGLISH
) -> StatsView:
    """Summarise a member's answers in a channel."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        history = await repo.user_answers(user_id=member.id) if member else []
        history = [(answer, round_) for answer, round_ in history if round_.channel_id == row.id]
        missed = await _missed_titles(
            ctx, repo, [(r.question_id, a.covered.get("missed", [])) for a, r in history], t
        )
    answers = [answer for answer, _round in history]
    if not answers:
        reply = Reply(title=t(NO_ANSWERS), body=t(ANSWER_FIRST))
        return StatsView(0, None, None, None, reply)
    scores = [answer.score for answer in answers]
    most_missed = missed.most_common(1)[0][0] if missed else None
    average = sum(scores) / len(scores)
    fields = [
        Field(t(_("Answers")), t.number(len(answers))),
        Field(t(_("Average score")), t(_("{score}/100", score=round(average)))),
        Field(t(_("Best score")), t(_("{score}/100", score=max(scores)))),
        Field(t(_("Recent scores")), " ".join(str(s) for s in scores[-10:])),
    ]
    if most_missed:
        fields.append(Field(t(_("Most often missed")), most_missed))
    reply = Reply(title=t(_("Your practice so far")), fields=tuple(fields))
    return StatsView(len(answers), average, max(scores), most_missed, reply)


async def _missed_titles(
    ctx: AppContext, repo: Repository, answers: list[tuple[str, list[str]]], t: Translator
) -> Counter[str]:
    """Count missed criteria by their titles, from (question id, missed ids) per answer."""
    missed: Counter[str] = Counter()
    for question_id, criterion_ids in answers:
        question = await question_of(ctx, repo, question_id)
        missed.update(criterion_title(question, cid, t.language) for cid in criterion_ids)
    return missed
