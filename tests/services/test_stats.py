"""The stats use case: what the picture shows, read per member, and the PNG in the reply."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta

from PIL import Image

from scalebot.domain.progress import DayMark
from scalebot.locales import ENGLISH
from scalebot.platforms.text_commands import run_command
from scalebot.services import stats
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import STRONG, WEAK, answer, post, setup_days


async def three_rounds(ctx: AppContext) -> tuple[datetime, list[int]]:
    """Rounds on three days (Alice answers the first and third), then a fourth is posted.

    Returns the fourth round's time and Alice's two scores.
    """
    channel_id = await setup_days(ctx, 4)
    scores = [await answer(ctx, ALICE, STRONG, await post(ctx, channel_id, 0))]
    await post(ctx, channel_id, 1)
    scores.append(await answer(ctx, ALICE, WEAK, await post(ctx, channel_id, 2)))
    return await post(ctx, channel_id, 3), scores


async def test_progress_marks_answered_and_missed_rounds(ctx: AppContext) -> None:
    now, (strong, weak) = await three_rounds(ctx)
    progress = await stats.member_progress(ctx, channel=CHANNEL, user=ALICE, now=now)
    assert progress is not None
    days = sorted(progress.held)
    assert len(days) == 4
    assert [progress.best_scores.get(day) for day in days] == [strong, None, weak, None]
    assert progress.mark(days[1]) is DayMark.MISSED
    assert progress.mark(days[0] - timedelta(days=1)) is DayMark.NO_ROUND
    assert (progress.current_streak, progress.longest_streak) == (1, 1)
    assert (progress.answered, progress.rounds) == (2, 4)


async def test_topic_coverage_lists_every_bank_topic(ctx: AppContext) -> None:
    now, _scores = await three_rounds(ctx)
    progress = await stats.member_progress(ctx, channel=CHANNEL, user=ALICE, now=now)
    assert progress is not None
    topics = {item.topic: item for item in progress.topics}
    assert set(topics) == {question.topic for question in ctx.bank.questions}
    answered = [item for item in progress.topics if item.answers]
    assert sum(item.answers for item in answered) == 2
    assert all(item.covered is not None and 0 <= item.covered <= 1 for item in answered)


async def test_no_picture_before_a_first_answer(ctx: AppContext) -> None:
    now, _scores = await three_rounds(ctx)
    assert await stats.member_progress(ctx, channel=CHANNEL, user=BOB, now=now) is None
    reply = await run_command(ctx, Invocation(CHANNEL, BOB, False, now), "stats")
    assert reply.attachments == ()


async def test_stats_reply_carries_the_png(ctx: AppContext) -> None:
    now, _scores = await three_rounds(ctx)
    invocation = Invocation(CHANNEL, ALICE, False, now)
    reply = await run_command(ctx, invocation, "stats")
    [png] = reply.attachments
    assert (png.name, png.media_type) == (f"scalebot-stats-{ALICE.user_id}.png", "image/png")
    assert len(png.data) < 200 * 1024
    assert Image.open(io.BytesIO(png.data)).format == "PNG"
    assert "Your practice so far" in reply.title
    # Another answer changes the picture.
    await run_command(ctx, invocation, f"answer {STRONG}")
    [after] = (await run_command(ctx, replace(invocation, t=ENGLISH), "stats")).attachments
    assert after.data != png.data
