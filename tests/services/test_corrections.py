"""Admin streak corrections: an audit trail, undo, and the member's own export."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scalebot.domain.refs import UserRef
from scalebot.domain.streaks import StreakState
from scalebot.platforms.text_commands import run_command
from scalebot.services import members, standings
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import STRONG, WEAK, answer, post, setup_days

ADA = UserRef("test", "W1", "U-ada", "Ada")


def admin_at(now: datetime) -> Invocation:
    """An admin's invocation in the test channel."""
    return Invocation(CHANNEL, ADA, is_admin=True, now=now)


async def test_correction_sets_a_live_streak_and_is_recorded(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 3)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    now = await post(ctx, channel_id, 1)  # Alice misses this one
    now = await post(ctx, channel_id, 2)
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 0
    reply = await run_command(ctx, admin_at(now), "admin streak @Alice 5 the bot was down Tuesday")
    assert reply.title == "Alice's streak is now 5 (was 0)."
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.longest) == (5, 5)
    # The corrected streak is alive: answering the open round extends it.
    await answer(ctx, ALICE, WEAK, now)
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 6
    [record] = (await members.export_user(ctx, user=ALICE))["streak_corrections"]
    assert record["by"] == "Ada"
    assert record["reason"] == "the bot was down Tuesday"
    assert (record["old_streak"], record["new_streak"], record["undone_at"]) == (0, 5, None)
    assert record["at"] == now.isoformat()


async def test_undo_reverts_the_newest_correction_and_keeps_the_audit_row(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    await answer(ctx, BOB, WEAK, now)
    admin = admin_at(now)
    await run_command(ctx, admin, "admin streak Alice 9 lost answers")
    await run_command(ctx, admin, "admin streak @bob 4 lost answers")
    undone = await run_command(ctx, admin, "admin undo")
    assert undone.title == "Undid the correction of Bob's streak: it is 1 again."
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=BOB)).current == 1
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 9
    later = admin_at(now + timedelta(minutes=5))
    assert (await run_command(ctx, later, "admin undo")).title.startswith(
        "Undid the correction of Alice's streak: it is 1 again."
    )
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.longest) == (1, 1)
    nothing = await run_command(ctx, later, "admin undo")
    assert nothing.title == "There is no streak correction to undo in this channel."
    [record] = (await members.export_user(ctx, user=BOB))["streak_corrections"]
    assert record["undone_at"] == now.isoformat()


async def test_undo_after_an_answer_keeps_the_answer(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    await run_command(ctx, admin_at(now), "admin streak @alice 10 imported from the old bot")
    now = await post(ctx, channel_id, 1)
    await answer(ctx, ALICE, STRONG, now)
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 11
    await run_command(ctx, admin_at(now), "admin undo")
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.longest) == (2, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("admin streak", "Usage: /scale admin streak @member N reason"),
        ("admin streak @alice 5", "Usage: /scale admin streak @member N reason"),
        ("admin streak @alice five because", "'five' is not a streak"),
        ("admin streak @alice -2 because", "'-2' is not a streak"),
        ("admin streak @alice 10001 because", "'10001' is not a streak"),
        ("admin streak @nobody 3 because", "No member '@nobody' has used scalebot here"),
        ("admin streak <@U-bob> 3 because", "No member '<@U-bob>' has used scalebot here"),
        ("admin streak @alice 3 " + "x" * 501, "The reason is 501 characters"),
    ],
)
async def test_bad_corrections_change_nothing(ctx: AppContext, text: str, message: str) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    reply = await run_command(ctx, admin_at(now), text)
    assert reply.title.startswith(message)
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 1
    assert (await members.export_user(ctx, user=ALICE))["streak_corrections"] == []


async def test_members_cannot_correct_and_mentions_resolve_by_id(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    member = Invocation(CHANNEL, BOB, is_admin=False, now=now)
    assert (await run_command(ctx, member, "admin streak @alice 50 me")).title.startswith(
        "Only channel admins"
    )
    reply = await run_command(ctx, admin_at(now), "admin streak <@U-alice|alice> 7 merge")
    assert reply.title == "Alice's streak is now 7 (was 1)."


async def test_forget_me_deletes_corrections_of_the_member(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    await run_command(ctx, admin_at(now), "admin streak @alice 3 test")
    await members.forget_user(ctx, user=ALICE)
    assert (await members.export_user(ctx, user=ALICE)).get("streak_corrections", []) == []
    assert (await run_command(ctx, admin_at(now), "admin undo")).title.startswith("There is no")


def test_corrected_and_undo_rules() -> None:
    state = StreakState(2, 4, 7)
    assert state.corrected(6, 10) == StreakState(6, 6, 9)
    assert state.corrected(0, 10) == StreakState(0, 4, 7)
    assert StreakState(1, 1, 10).corrected(5, 10) == StreakState(5, 5, 10)
    after = state.corrected(6, 10)
    assert after.undo(state, after) == state
    assert StreakState(7, 7, 10).undo(state, after) == StreakState(3, 4, 10)
