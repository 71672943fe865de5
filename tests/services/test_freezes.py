"""Streak freezes: earned every 7 rounds in a row, at most 2, spent on a missed round."""

from __future__ import annotations

from datetime import datetime

from scalebot.domain.streaks import StreakState
from scalebot.platforms.text_commands import run_command
from scalebot.services import standings
from scalebot.services.answers import submit_answer
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import WEAK, post, setup_days


async def answer_rounds(ctx: AppContext, channel_id: int, days: range) -> datetime:
    """Post one round a day and have Alice answer each; return the last round's time."""
    now = datetime.now()
    for day in days:
        now = await post(ctx, channel_id, day)
        await submit_answer(ctx, channel=CHANNEL, user=ALICE, text=WEAK, now=now)
    return now


async def streak_of(ctx: AppContext) -> standings.StreakView:
    """Alice's streak now."""
    return await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)


async def test_seven_rounds_earn_a_freeze_that_a_missed_round_spends(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 10)
    await answer_rounds(ctx, channel_id, range(6))
    assert (await streak_of(ctx)).freezes == 0
    await answer_rounds(ctx, channel_id, range(6, 7))
    view = await streak_of(ctx)
    assert (view.current, view.freezes) == (7, 1)
    assert "1 of 2" in view.reply.plain_text()
    await post(ctx, channel_id, 7)  # Alice misses round 8
    now = await post(ctx, channel_id, 8)  # round 8 closes: the freeze is spent
    view = await streak_of(ctx)
    assert (view.current, view.freezes) == (7, 0)
    outcome = await submit_answer(ctx, channel=CHANNEL, user=ALICE, text=WEAK, now=now)
    assert outcome.streak == 8
    notice = {field.name: field.value for field in outcome.reply.fields}["Streak freeze"]
    assert notice == "❄️ You missed a round: A streak freeze kept your streak alive. 0 freezes left."
    # Told once: the next reply carries no notice.
    again = await run_command(ctx, Invocation(CHANNEL, ALICE, False, now), "streak")
    assert "Streak freeze" not in [field.name for field in again.fields]


async def test_at_most_two_freezes_and_two_missed_rounds_spend_both(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 30)
    await answer_rounds(ctx, channel_id, range(21))
    view = await streak_of(ctx)
    assert (view.current, view.freezes) == (21, 2)
    await post(ctx, channel_id, 21)
    await post(ctx, channel_id, 22)
    now = await post(ctx, channel_id, 23)  # rounds 22 and 23 missed and closed
    view = await streak_of(ctx)
    assert (view.current, view.freezes) == (21, 0)
    told = await run_command(ctx, Invocation(CHANNEL, ALICE, False, now), "streak")
    fields = {field.name: field.value for field in told.fields}
    assert fields["Streak freeze"].startswith("❄️ You missed 2 rounds: 2 streak freezes kept")
    await post(ctx, channel_id, 24)  # a third miss, no freeze left: the streak breaks
    assert (await streak_of(ctx)).current == 0


async def test_freezes_off_break_streaks_and_earn_nothing(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 20)
    now = await answer_rounds(ctx, channel_id, range(7))
    admin = Invocation(CHANNEL, BOB, is_admin=True, now=now)
    off = await run_command(ctx, admin, "admin freezes off")
    assert off.title == "Streak freezes are off: a missed round breaks a streak."
    assert "Off in this channel (1 held" in (await streak_of(ctx)).reply.plain_text()
    await post(ctx, channel_id, 7)
    await post(ctx, channel_id, 8)
    view = await streak_of(ctx)
    assert (view.current, view.freezes) == (0, 1)  # broken; the freeze is kept
    await answer_rounds(ctx, channel_id, range(9, 16))
    assert (await streak_of(ctx)).freezes == 1  # seven more rounds earned nothing
    on = await run_command(ctx, admin, "admin freezes on")
    assert on.title.startswith("Streak freezes are on")
    bad = await run_command(ctx, admin, "admin freezes maybe")
    assert bad.title == "Usage: /scale admin freezes on|off"
    member = Invocation(CHANNEL, ALICE, is_admin=False, now=now)
    assert (await run_command(ctx, member, "admin freezes off")).title.startswith("Only")


async def test_a_frozen_streak_stays_on_the_board(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 10)
    await answer_rounds(ctx, channel_id, range(7))
    await post(ctx, channel_id, 7)
    now = await post(ctx, channel_id, 8)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=None, now=now)
    assert [(row.name, row.streak) for row in board.rows] == [("Alice", 7)]


def test_after_missed_rules() -> None:
    alive = StreakState(5, 9, 3, freezes=1)
    assert alive.after_missed(5, freezes_on=True) == (StreakState(5, 9, 4, 0), True)
    assert alive.after_missed(5, freezes_on=False) == (StreakState(0, 9, 3, 1), False)
    assert alive.after_missed(4, freezes_on=True) == (alive, False)  # answered the closed round
    assert StreakState(5, 9, 3).after_missed(5, freezes_on=True) == (StreakState(0, 9, 3), False)
    earned = StreakState(6, 6, 6, freezes=2).after_answer(7)
    assert (earned.current, earned.freezes) == (7, 2)
    assert StreakState(6, 6, 6).after_answer(7, freezes_on=False).freezes == 0
