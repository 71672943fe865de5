"""The stats picture: a member's answered rounds, streaks and topic coverage, drawn as a PNG."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scalebot.domain.progress import Progress, heatmap_start, topic_coverage
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import PNG, Attachment, file_name
from scalebot.domain.streaks import StreakState
from scalebot.locales import Translator
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext
from scalebot.services.questions import question_of


async def member_progress(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, now: datetime
) -> Progress | None:
    """A member's practice in a channel as the picture shows it; None before their first answer.

    Reads only this member's answers and the channel's rounds of the last 26 weeks.
    """
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        answers = await repo.member_answers(channel_id=row.id, user_id=member.id) if member else []
        if member is None or not answers:
            return None
        today = now.astimezone(ZoneInfo(row.timezone)).date()
        held = await repo.held_round_dates(channel_id=row.id, since=heatmap_start(today))
        streak = await repo.get_streak(channel_id=row.id, user_id=member.id)
        questions = {a.question_id: await question_of(ctx, repo, a.question_id) for a in answers}
    state = (
        StreakState()
        if streak is None
        else StreakState(streak.current, streak.longest, streak.last_round_seq, streak.freezes)
    )
    best: dict[date, int] = {}
    for answer in answers:
        best[answer.round_date] = max(answer.score, best.get(answer.round_date, 0))
    bank_topics = sorted({question.topic for question in ctx.bank.questions})
    coverage = topic_coverage(bank_topics, [(questions[a.question_id], a.missed) for a in answers])
    return Progress(
        today=today,
        held=frozenset(held),
        best_scores=best,
        current_streak=state.effective(row.round_count),
        longest_streak=state.longest,
        topics=coverage,
    )


async def stats_picture(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, now: datetime, t: Translator
) -> Attachment | None:
    """The member's stats picture as a PNG file, labelled for the reader; None before answers."""
    progress = await member_progress(ctx, channel=channel, user=user, now=now)
    if progress is None:
        return None
    from scalebot.pictures.progress import draw_progress  # the imaging library loads here only

    png = await asyncio.to_thread(draw_progress, progress, t)
    return Attachment(file_name("scalebot-stats", user.user_id, suffix=".png"), PNG, png)
