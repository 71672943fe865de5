"""Control characters never reach the database; names in public posts cannot spoof or ping."""

from __future__ import annotations

from dataclasses import replace

from scalebot.services import answers, members, standings
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_answers import ANSWER, MONDAY_9, start_channel, stored_answers


async def test_nul_and_control_characters_are_stripped_before_storage(ctx: AppContext) -> None:
    await start_channel(ctx)
    named = replace(ALICE, display_name="Al\x00ice\x07")
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=named, text="\x00" + ANSWER + "\x1b[31m\r\nok\x00", now=MONDAY_9
    )
    assert outcome.stored
    [(text, _, _, _)] = await stored_answers(ctx)
    assert text == ANSWER + "[31m\nok"
    exported = await members.export_user(ctx, user=ALICE)
    assert exported["display_name"] == "Alice"
    again = await answers.submit_answer(
        ctx, channel=CHANNEL, user=named, text="\x00" + ANSWER + "\x1b[31m\r\nok\x00", now=MONDAY_9
    )
    assert again.revision == 2  # the member can keep answering


async def test_names_in_public_boards_are_one_visible_line_that_cannot_ping(
    ctx: AppContext,
) -> None:
    await start_channel(ctx)
    spoof = replace(ALICE, display_name="Eve\u202e\n1. Admin: 999 points\u200b")
    ghost = replace(BOB, display_name="\u200b\u200d\u2060")
    for user in (spoof, ghost):
        await answers.submit_answer(ctx, channel=CHANNEL, user=user, text=ANSWER, now=MONDAY_9)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=None, now=MONDAY_9)
    lines = board.reply.body.splitlines()
    assert len(lines) == 2
    names = sorted(line.split(". ", 1)[1].split(":")[0] for line in lines)
    assert names == ["Eve 1. Admin", "member"]
    assert not any(c in board.reply.body for c in "\u202e\u200b\u200d\u2060")


async def test_broadcast_words_in_names_are_defused(ctx: AppContext) -> None:
    await start_channel(ctx)
    loud = replace(ALICE, display_name="@here @Channel @everyone hi@herest")
    await answers.submit_answer(ctx, channel=CHANNEL, user=loud, text=ANSWER, now=MONDAY_9)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=None, now=MONDAY_9)
    assert "＠here ＠Channel ＠everyone hi@herest" in board.reply.body
    assert "@here" not in board.reply.body.replace("hi@herest", "")
