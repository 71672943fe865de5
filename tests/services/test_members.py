"""forget-me: nothing is deleted before confirmation, and afterwards no row names the member."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert

from scalebot.db.models import slack_installations
from scalebot.db.repository import redact
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Tone
from scalebot.domain.schedule import Days, Schedule
from scalebot.platforms.text_commands import run_command
from scalebot.services import answers, channels, members, rounds, standings
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import FakeMessenger
from tests.mentions import member_id, mentions
from tests.services.test_standings import STRONG, WEAK

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# On "slack", so the installation table (which names the member who installed the app) counts.
FIRST = ChannelRef("slack", "T1", "C1")
SECOND = ChannelRef("slack", "T1", "C2")
FORGETTA = UserRef("slack", "T1", "UFORGETTA", "Forgetta")
BOB = UserRef("slack", "T1", "UBOB", "Bob")
ADA = UserRef("slack", "T1", "UADA", "Ada")
EVERY_TABLE_THAT_NAMES_HER = {
    "users",
    "answers",
    "streaks",
    "point_totals",
    "streak_corrections",
    "slack_installations",
    "practice_members",
    "practice_cards",
    "practice_answers",
}


def invoked(channel: ChannelRef, user: UserRef, *, admin: bool = False) -> Invocation:
    """A command run in a channel by a member."""
    return Invocation(channel, user, is_admin=admin, now=NOW + timedelta(minutes=5))


async def two_channels_of_practice(ctx: AppContext, messenger: FakeMessenger) -> None:
    """Forgetta answers in two channels, is corrected, corrects Bob as an admin, installed it."""
    ctx.messengers = {"slack": messenger}
    for channel in (FIRST, SECOND):
        info = await channels.enroll_channel(
            ctx, channel=channel, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=NOW
        )
        await rounds.post_round(ctx, channel_id=info.id, now=NOW)
        for user, text in ((FORGETTA, STRONG), (BOB, WEAK)):
            await answers.submit_answer(ctx, channel=channel, user=user, text=text, now=NOW)
    await run_command(ctx, invoked(FIRST, ADA, admin=True), "admin streak @Forgetta 4 outage")
    await run_command(ctx, invoked(SECOND, FORGETTA, admin=True), "admin streak @Bob 3 outage")
    await run_command(ctx, invoked(SECOND, FORGETTA, admin=True), "admin undo")
    await run_command(ctx, invoked(SECOND, FORGETTA), "leaderboard hide")
    await run_command(ctx, invoked(FIRST, FORGETTA), "practice")
    await run_command(ctx, invoked(FIRST, FORGETTA), f"practice answer {WEAK}")
    async with ctx.db.session(write=True) as session:
        await session.execute(
            insert(slack_installations).values(
                client_id="1.2", app_id="A1", team_id="T1", user_id="UFORGETTA", bot_token="x"
            )
        )


async def test_forget_me_asks_first_and_deletes_nothing(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await two_channels_of_practice(ctx, messenger)
    her = await member_id(ctx.db, FORGETTA)
    before = await mentions(ctx.db, FORGETTA, her)
    asked = await run_command(ctx, invoked(FIRST, FORGETTA), "forget-me")
    assert asked.tone is Tone.QUESTION
    assert "your 2 answers" in asked.body
    assert "2 channels" in asked.body
    assert "Your 1 practice answer and your practice schedule go too." in asked.body
    assert [action.command for action in asked.actions] == [members.FORGET_CONFIRM]
    assert await mentions(ctx.db, FORGETTA, her) == before


async def test_after_forget_me_no_row_in_any_table_names_the_member(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await two_channels_of_practice(ctx, messenger)
    her, bob = await member_id(ctx.db, FORGETTA), await member_id(ctx.db, BOB)
    assert set(await mentions(ctx.db, FORGETTA, her)) == EVERY_TABLE_THAT_NAMES_HER
    bob_before = await mentions(ctx.db, BOB, bob)
    done = await run_command(ctx, invoked(FIRST, FORGETTA), "forget-me confirm")
    assert done.body == (
        "2 answers deleted; you are off the leaderboards of 2 channels. "
        "1 practice answer deleted, and your practice schedule."
    )
    assert await mentions(ctx.db, FORGETTA, her) == {}
    # Everyone else keeps everything, the audit row of Bob's correction included.
    assert await mentions(ctx.db, BOB, bob) == bob_before
    for channel in (FIRST, SECOND):
        board = await standings.leaderboard(
            ctx, channel=channel, viewer=None, now=NOW, everyone=True
        )
        assert [row.name for row in board.rows] == ["Bob"]


async def test_a_member_who_only_practised_is_told_what_goes(ctx: AppContext) -> None:
    info = await channels.enroll_channel(
        ctx, channel=FIRST, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=NOW
    )
    assert info.id
    await run_command(ctx, invoked(FIRST, FORGETTA), "practice")
    await run_command(ctx, invoked(FIRST, FORGETTA), f"practice answer {WEAK}")
    asked = await run_command(ctx, invoked(FIRST, FORGETTA), "forget-me")
    assert asked.body.startswith(
        "This deletes your 1 practice answer and your practice schedule.\nIt cannot be undone."
    )
    assert "channel" not in asked.body
    done = await run_command(ctx, invoked(FIRST, FORGETTA), "forget-me confirm")
    assert done.body == "1 practice answer deleted, and your practice schedule."


async def test_forget_me_takes_the_member_out_of_other_members_correction_reasons(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await two_channels_of_practice(ctx, messenger)
    reason = "swapped with <@UFORGETTA|forgetta> (Forgetta, also uforgetta)"
    await run_command(ctx, invoked(FIRST, ADA, admin=True), f"admin streak @Bob 5 {reason}")
    her = await member_id(ctx.db, FORGETTA)
    await run_command(ctx, invoked(FIRST, FORGETTA), "forget-me confirm")
    assert await mentions(ctx.db, FORGETTA, her) == {}
    exported = await members.export_user(ctx, user=BOB)
    reasons = [row["reason"] for row in exported["streak_corrections"]]
    assert "swapped with [deleted] ([deleted], also [deleted])" in reasons


def test_redaction_keeps_words_that_only_contain_a_latin_name() -> None:
    text = "Al and <@!123> swapped; Also @al, not Alan. 小明和小明的朋友"
    assert redact(text, "123", "Al") == (
        "[deleted] and [deleted] swapped; Also [deleted], not Alan. 小明和小明的朋友"
    )
    assert redact("小明和小明的朋友", "U9", "小明") == "[deleted]和[deleted]的朋友"
