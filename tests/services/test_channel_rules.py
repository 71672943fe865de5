"""Topic and difficulty filters and skipped dates, through the admin commands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from scalebot.domain.replies import Tone
from scalebot.domain.rounds import PostStatus
from scalebot.locales import Language, translator
from scalebot.platforms.text_commands import run_command
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import channels, rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, CHANNEL, FakeMessenger

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=MONDAY_9 - timedelta(hours=1))
MEMBER = replace(ADMIN, is_admin=False)


async def enrolled(ctx: AppContext, days: str = "daily") -> int:
    """Enroll the test channel at 09:00 UTC (no round yet) and return its id."""
    await run_command(ctx, ADMIN, f"admin setup 09:00 UTC {days}")
    info = await channels.get_channel(ctx, channel=CHANNEL)
    assert info is not None
    return info.id


async def post_days(ctx: AppContext, channel_id: int, count: int) -> list[rounds.PostOutcome]:
    """Post `count` daily rounds from Monday on."""
    return [
        await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=day))
        for day in range(count)
    ]


def asked(ctx: AppContext, messenger: FakeMessenger) -> list[tuple[str, str]]:
    """(topic, difficulty) of every question posted, in order."""
    found = []
    for _channel, reply, _round_id in messenger.questions:
        title = reply.title.split(": ", 1)[1]
        question = next(q for q in ctx.bank.questions if q.title == title)
        found.append((question.topic, question.difficulty.value))
    return found


async def test_rounds_ask_only_the_chosen_topics(ctx: AppContext, messenger: FakeMessenger) -> None:
    channel_id = await enrolled(ctx)
    reply = await run_command(ctx, ADMIN, "admin topics deployment,monitoring")
    assert reply.tone is Tone.INFO
    assert "topics deployment, monitoring, every difficulty" in reply.title
    assert "6 questions in the bank match." in reply.body
    await post_days(ctx, channel_id, 7)
    topics = [topic for topic, _level in asked(ctx, messenger)]
    assert set(topics) == {"deployment", "monitoring"}
    assert len({reply.title for _c, reply, _r in messenger.questions[:6]}) == 6  # no repeat


async def test_topics_and_difficulty_combine_and_all_clears_them(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin difficulty medium, hard")
    reply = await run_command(ctx, ADMIN, "admin topics system-design")
    assert "topics system-design, difficulty medium, hard" in reply.title
    await post_days(ctx, channel_id, 3)
    assert all(
        (topic, level != "easy") == ("system-design", True)
        for topic, level in asked(ctx, messenger)
    )
    await run_command(ctx, ADMIN, "admin topics all")
    cleared = await run_command(ctx, ADMIN, "admin difficulty all")
    assert "every topic and difficulty" in cleared.title
    assert f"{len(ctx.bank)} questions in the bank match." in cleared.body


async def test_the_filter_shows_without_arguments(ctx: AppContext) -> None:
    await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin difficulty hard")
    shown = await run_command(ctx, ADMIN, "admin topics")
    assert "every topic, difficulty hard" in shown.title
    assert "Topics: batch-vs-realtime, checkpoints," in shown.body


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("admin topics ml-scaling,kubernetes", "Unknown topic 'kubernetes': use batch-vs-realtime"),
        ("admin difficulty impossible", "Unknown difficulty 'impossible': use easy, medium, hard"),
        ("admin topics ml-scaling", None),  # fine alone: one medium question
    ],
)
async def test_unknown_names_get_one_line_listing_the_valid_ones(
    ctx: AppContext, command: str, expected: str | None
) -> None:
    await enrolled(ctx)
    reply = await run_command(ctx, ADMIN, command)
    if expected is None:
        assert reply.tone is Tone.INFO
        return
    assert reply.tone is Tone.ERROR
    assert expected in reply.title
    assert "\n" not in reply.title
    assert (await run_command(ctx, ADMIN, "admin topics")).title.endswith("topic and difficulty.")


async def test_a_filter_no_question_passes_is_refused_and_nothing_changes(
    ctx: AppContext,
) -> None:
    await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin topics ml-scaling")  # its one question is medium
    reply = await run_command(ctx, ADMIN, "admin difficulty easy")
    assert reply.tone is Tone.ERROR
    assert reply.title == (
        "No question is about topics ml-scaling, difficulty easy: "
        "widen the topics or the difficulty."
    )
    shown = await run_command(ctx, ADMIN, "admin topics")
    assert "topics ml-scaling, every difficulty" in shown.title


async def test_members_cannot_change_the_filter(ctx: AppContext) -> None:
    await enrolled(ctx)
    reply = await run_command(ctx, MEMBER, "admin topics deployment")
    assert reply.tone is Tone.ERROR
    assert "Only channel admins" in reply.title


async def test_a_skipped_date_gets_no_round_and_the_next_day_does(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enrolled(ctx)
    reply = await run_command(ctx, ADMIN, "admin skip 2026-03-03")
    assert reply.tone is Tone.INFO
    assert reply.title == "No round on Mar 3, 2026."
    monday, tuesday, wednesday = await post_days(ctx, channel_id, 3)
    assert (monday.status, tuesday.status, wednesday.status) == (
        PostStatus.POSTED,
        PostStatus.SKIPPED,
        PostStatus.POSTED,
    )
    assert wednesday.seq == 2  # a skipped date is no round: streaks run across it
    assert len(messenger.questions) == 2


async def test_the_watchdog_and_the_scheduler_pass_a_skipped_date(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin skip 2026-03-02")
    assert await rounds.channels_due(ctx, now=MONDAY_9 + timedelta(hours=1)) == []
    scheduler = RoundScheduler(ctx, lambda: MONDAY_9)
    assert (await scheduler.fire(channel_id)).status is PostStatus.SKIPPED
    await run_command(ctx, ADMIN, "admin unskip 2026-03-02")
    assert await rounds.channels_due(ctx, now=MONDAY_9 + timedelta(hours=1)) == [channel_id]
    assert (await scheduler.fire(channel_id)).status is PostStatus.POSTED


async def test_skip_list_shows_upcoming_dates_soonest_first_and_unskip_removes_one(
    ctx: AppContext,
) -> None:
    await enrolled(ctx)
    empty = await run_command(ctx, ADMIN, "admin skip list")
    assert empty.title == "No dates are skipped here."
    for day in ("2026-12-25", "2026-04-03", "2026-12-24"):
        await run_command(ctx, ADMIN, f"admin skip {day}")
    again = await run_command(ctx, ADMIN, "admin skip 2026-12-25")
    assert again.title == "Dec 25, 2026 is skipped already."
    listed = await run_command(ctx, ADMIN, "admin skip list")
    assert listed.title == "3 dates skipped"
    assert listed.body.splitlines() == [
        "Apr 3, 2026 (2026-04-03)",
        "Dec 24, 2026 (2026-12-24)",
        "Dec 25, 2026 (2026-12-25)",
    ]
    back = await run_command(ctx, ADMIN, "admin unskip 2026-12-24")
    assert back.title == "Dec 24, 2026 gets its round again."
    assert (await run_command(ctx, ADMIN, "admin skip list")).title == "2 dates skipped"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("admin skip 25/12/2026", "'25/12/2026' is not a date: write it as YYYY-MM-DD"),
        ("admin skip 2026-02-30", "'2026-02-30' is not a date"),
        ("admin skip 2026-03-01", "Mar 1, 2026 has passed here"),
        ("admin skip 2027-06-01", "Skip dates at most a year ahead."),
        ("admin skip 2026-03-07", "Mar 7, 2026 has no round anyway"),  # a Saturday
        ("admin skip", "Usage: /scale admin skip YYYY-MM-DD | list"),
        ("admin unskip 2026-05-05", "May 5, 2026 is not skipped"),
    ],
)
async def test_bad_skips_get_one_line(ctx: AppContext, command: str, expected: str) -> None:
    await enrolled(ctx, days="weekdays")
    reply = await run_command(ctx, ADMIN, command)
    assert reply.tone is Tone.ERROR
    assert expected in reply.title
    assert "\n" not in reply.title
    assert (await run_command(ctx, ADMIN, "admin skip list")).title == "No dates are skipped here."


async def test_today_cannot_be_skipped_once_its_round_is_out(ctx: AppContext) -> None:
    channel_id = await enrolled(ctx)
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    reply = await run_command(ctx, replace(ADMIN, now=MONDAY_9), "admin skip 2026-03-02")
    assert reply.title == "Today's round is already out: skip a later date."


async def test_post_now_on_a_skipped_date_says_so(ctx: AppContext) -> None:
    await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin skip 2026-03-02")
    reply = await run_command(ctx, ADMIN, "admin post-now")
    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("Today is skipped here")


async def test_skip_replies_read_in_the_readers_language(ctx: AppContext) -> None:
    await enrolled(ctx)
    chinese = replace(ADMIN, user=replace(ADMIN.user, locale="zh-CN"))
    reply = await run_command(ctx, chinese, "admin skip 2026-12-25")
    assert translator(Language.ZH).date(date(2026, 12, 25)) in reply.title
