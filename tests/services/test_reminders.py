"""Reminders: one private nudge per round, before it closes, while a streak of 3+ is at stake."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from scalebot.domain.refs import UserRef
from scalebot.domain.schedule import Days, Schedule
from scalebot.platforms.text_commands import run_command
from scalebot.services import members, reminders
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL, FakeMessenger
from tests.mentions import member_id, mentions
from tests.services.test_standings import MONDAY_9, WEAK, answer, post, setup_days

CAROL = UserRef("test", "W1", "U-carol", "Carol")
DAVE = UserRef("test", "W1", "U-dave", "Dave")


def as_member(user: UserRef) -> Invocation:
    """A command run by a member in the test channel."""
    return Invocation(channel=CHANNEL, user=user, is_admin=False, now=MONDAY_9)


async def three_rounds_then_an_open_one(ctx: AppContext) -> None:
    """Alice, Carol and Dave answer days 0-2, Bob days 1-2; day 3 is open; Dave answers it."""
    channel_id = await setup_days(ctx, 0)
    for day in range(3):
        now = await post(ctx, channel_id, day)
        for user in (ALICE, CAROL, DAVE, *((BOB,) if day else ())):
            await answer(ctx, user, WEAK, now)
    now = await post(ctx, channel_id, 3)
    await answer(ctx, DAVE, WEAK, now)
    for user in (ALICE, BOB, DAVE):  # Carol does not ask for reminders
        said = await run_command(ctx, as_member(user), "remind on")
        assert said.title == "Reminders are on here."


async def test_one_nudge_per_round_to_opted_in_members_whose_streak_is_at_stake(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await three_rounds_then_an_open_one(ctx)
    day_3_noon = MONDAY_9 + timedelta(days=3, hours=3)
    assert await reminders.send_due_reminders(ctx, now=day_3_noon) == 0  # closes in 21 h
    window = MONDAY_9 + timedelta(days=4, hours=-2, minutes=-30)  # day 4 06:30
    assert await reminders.send_due_reminders(ctx, now=window) == 1
    [(channel, user_id, nudge)] = messenger.private
    assert (channel, user_id) == (CHANNEL, ALICE.user_id)
    assert nudge.title == "Your streak of 3 rounds ends in 3 hours"
    assert nudge.body == "Answer the open round with /scale answer to keep it."
    assert nudge.footer == "/scale remind off stops these reminders."
    twice = await asyncio.gather(
        reminders.send_due_reminders(ctx, now=window + timedelta(minutes=5)),
        reminders.send_due_reminders(ctx, now=window + timedelta(minutes=10)),
    )
    assert list(twice) == [0, 0]
    assert len(messenger.private) == 1


async def test_remind_off_and_bad_input(ctx: AppContext, messenger: FakeMessenger) -> None:
    await three_rounds_then_an_open_one(ctx)
    off = await run_command(ctx, as_member(ALICE), "remind off")
    assert off.title == "Reminders are off here."
    window = MONDAY_9 + timedelta(days=4, hours=-1)
    assert await reminders.send_due_reminders(ctx, now=window) == 0
    assert (await run_command(ctx, as_member(ALICE), "remind")).title == (
        "Usage: /scale remind on|off"
    )


async def test_reminders_are_exported_and_forgotten(ctx: AppContext) -> None:
    await three_rounds_then_an_open_one(ctx)
    exported = await members.export_user(ctx, user=ALICE)
    assert exported["reminders"] == {"channels": [CHANNEL.channel_id]}
    her = await member_id(ctx.db, ALICE)
    assert "reminders" in await mentions(ctx.db, ALICE, her)
    await run_command(ctx, replace(as_member(ALICE)), "forget-me confirm")
    assert await mentions(ctx.db, ALICE, her) == {}


def test_a_weekday_fridays_round_closes_on_monday() -> None:
    schedule = Schedule(time(9), Days.WEEKDAYS, "Europe/Berlin")
    friday_noon = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)
    closes = schedule.next_post_after(friday_noon)
    assert closes.isoformat() == "2026-03-09T09:00:00+01:00"
    assert schedule.next_post_after(closes).isoformat() == "2026-03-10T09:00:00+01:00"
