"""The /scale text commands: routing, admin checks and one-line messages for bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scalebot.domain.replies import Action, Tone
from scalebot.platforms.text_commands import run_command
from scalebot.services import channels
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, CHANNEL, FakeMessenger

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=NOW)
MEMBER = replace(ADMIN, is_admin=False)


async def enrolled(ctx: AppContext) -> None:
    """Enroll the channel and post today's round through the commands."""
    await run_command(ctx, ADMIN, "admin setup 09:00 Europe/Berlin weekdays")
    await run_command(ctx, ADMIN, "admin post-now")


async def test_setup_enrolls_with_the_given_schedule(ctx: AppContext) -> None:
    reply = await run_command(ctx, ADMIN, "admin setup 9:30 Europe/Berlin weekdays")
    assert reply.tone is Tone.INFO
    assert "09:30 Europe/Berlin, weekdays" in reply.title
    info = await channels.get_channel(ctx, channel=CHANNEL)
    assert info is not None
    assert (info.schedule.timezone, info.schedule.days.value) == ("Europe/Berlin", "weekdays")


async def test_setup_tells_the_scheduler(ctx: AppContext) -> None:
    changed: list[int] = []

    async def listener(channel_id: int) -> None:
        changed.append(channel_id)

    ctx.channel_listeners.append(listener)
    await run_command(ctx, ADMIN, "admin setup 09:00 UTC")
    await run_command(ctx, ADMIN, "admin pause")
    await run_command(ctx, ADMIN, "admin resume")
    assert len(changed) == 3
    assert len(set(changed)) == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("admin setup 25:00 UTC", "is not a time"),
        ("admin setup 9am UTC", "is not a time"),
        ("admin setup 09:00 Mars/Olympus", "is not a time zone"),
        ("admin setup 09:00 ../../etc/passwd", "is not a time zone"),
        ("admin setup 09:00 UTC fortnightly", "daily or weekdays"),
        ("admin setup 09:00", "Usage: /scale admin setup"),
        ("admin frobnicate", "Unknown admin command 'frobnicate'"),
        ("admin", "Name an admin command: setup, pause"),
    ],
)
async def test_bad_admin_input_gets_one_line_and_stores_nothing(
    ctx: AppContext, command: str, expected: str
) -> None:
    reply = await run_command(ctx, ADMIN, command)
    assert reply.tone is Tone.ERROR
    assert expected in reply.title
    assert "\n" not in reply.title
    assert await channels.get_channel(ctx, channel=CHANNEL) is None


@pytest.mark.parametrize(
    "command",
    ["admin setup 09:00 UTC", "admin post-now", "admin pause", "admin leaderboard week"],
)
async def test_admin_commands_refuse_members(ctx: AppContext, command: str) -> None:
    reply = await run_command(ctx, MEMBER, command)
    assert reply.tone is Tone.ERROR
    assert "Only channel admins" in reply.title
    assert await channels.get_channel(ctx, channel=CHANNEL) is None


async def test_unknown_subcommand(ctx: AppContext) -> None:
    reply = await run_command(ctx, MEMBER, "dance now")
    assert reply.tone is Tone.ERROR
    assert reply.title == "Unknown command 'dance': try /scale help."


async def test_help_shows_admin_commands_only_to_admins(ctx: AppContext) -> None:
    assert "admin setup" in (await run_command(ctx, ADMIN, "help")).plain_text()
    assert "admin setup" not in (await run_command(ctx, MEMBER, "")).plain_text()


async def test_member_commands_in_a_channel_that_is_not_enrolled(ctx: AppContext) -> None:
    for command in ("today", "answer I would shard", "streak", "leaderboard", "stats"):
        reply = await run_command(ctx, MEMBER, command)
        assert reply.tone is Tone.ERROR, command
        assert "not enrolled" in reply.title


async def test_answer_text_is_everything_after_the_word(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await enrolled(ctx)
    text = "Line one about drift and retraining.\n  Line two: shard the data, use mini-batch SGD."
    reply = await run_command(ctx, MEMBER, "answer " + text)
    assert reply.tone is Tone.FEEDBACK
    export = await run_command(ctx, MEMBER, "export-me")
    [exported] = export.attachments
    assert exported.name == f"scalebot-export-{ALICE.user_id}.json"
    assert exported.media_type == "application/json"
    assert json.loads(exported.data)["answers"][0]["text"] == text


async def test_empty_answer_command(ctx: AppContext) -> None:
    await enrolled(ctx)
    reply = await run_command(ctx, MEMBER, "answer   ")
    assert reply.tone is Tone.ERROR
    assert "empty" in reply.title


async def test_post_now_twice(ctx: AppContext, messenger: FakeMessenger) -> None:
    await enrolled(ctx)
    reply = await run_command(ctx, ADMIN, "admin post-now")
    assert reply.tone is Tone.ERROR
    assert "already posted" in reply.title
    assert len(messenger.questions) == 1


async def test_post_now_in_a_paused_channel(ctx: AppContext, messenger: FakeMessenger) -> None:
    await run_command(ctx, ADMIN, "admin setup 09:00 UTC")
    await run_command(ctx, ADMIN, "admin pause")
    reply = await run_command(ctx, ADMIN, "admin post-now")
    assert "paused" in reply.title
    assert messenger.questions == []


async def test_admin_leaderboard_public_and_periods(ctx: AppContext) -> None:
    await enrolled(ctx)
    await run_command(ctx, MEMBER, "answer I would retrain on drift because data shifts.")
    private = await run_command(ctx, ADMIN, "admin leaderboard week")
    assert private.private
    assert "this week" in private.title
    public = await run_command(ctx, ADMIN, "admin leaderboard month public")
    assert not public.private
    assert "(you)" not in public.plain_text()
    bad = await run_command(ctx, ADMIN, "admin leaderboard fortnight")
    assert bad.tone is Tone.ERROR
    assert "'fortnight' is not a board" in bad.title
    assert "week, month, all or season" in bad.title


async def test_forget_me_command(ctx: AppContext) -> None:
    await enrolled(ctx)
    await run_command(ctx, MEMBER, "answer I would retrain on drift because data shifts.")
    asked = await run_command(ctx, MEMBER, "forget-me")
    assert asked.title == "Delete everything scalebot stores about you here?"
    assert "your 1 answer and your streaks and points" in asked.body
    assert "1 channel." in asked.body
    assert asked.actions == (Action("Delete my data", "forget-me confirm", danger=True),)
    assert "1 answer" in (await run_command(ctx, MEMBER, "export-me")).title  # nothing deleted
    assert (await run_command(ctx, MEMBER, "forget-me now")).tone is Tone.ERROR
    done = await run_command(ctx, MEMBER, "forget-me CONFIRM")
    assert done.title == "Deleted: scalebot no longer stores anything about you here."
    assert done.body == "1 answer deleted; you are off the leaderboards of 1 channel."
    assert "0 answers" in (await run_command(ctx, MEMBER, "export-me")).title
    again = await run_command(ctx, MEMBER, "forget-me confirm")
    assert again.title.startswith("scalebot stores nothing about you here")


async def test_leaderboard_usage_lines_name_every_board(ctx: AppContext) -> None:
    await enrolled(ctx)
    member = await run_command(ctx, MEMBER, "leaderboard week month")
    admin = await run_command(ctx, ADMIN, "admin leaderboard week month public")
    for reply, usage in (
        (member, "/scale leaderboard [streak|longest|week|month|all|season|hide|show]"),
        (admin, "/scale admin leaderboard [streak|longest|week|month|all|season] [public]"),
    ):
        assert reply.tone is Tone.ERROR
        assert usage in reply.plain_text()
