"""History, boards, hiding, corrections and freezes through discord.py's real tree."""

from __future__ import annotations

from scalebot.services import answers
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.payloads import BOB_ID, interaction, slash
from tests.platforms.discord.test_commands import (
    ALICE_REF,
    EPHEMERAL,
    GOOD_ANSWER,
    as_admin,
    title,
)


async def answer_as_alice(bot: Bot) -> None:
    """Alice answers the open round on time."""
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )


async def test_history_lists_answers_privately_with_titles(bot: Bot) -> None:
    await bot.enroll()
    await answer_as_alice(bot)
    sent = await bot.interact(interaction(2, slash("history")))
    assert sent[0].body["flags"] == EPHEMERAL
    assert title(sent[0]) == "Your recent answers"
    [field] = sent[0].embeds[0]["fields"]
    assert field["value"].startswith("Score ")
    assert "Missed" in field["value"]
    assert sent[0].embeds[0]["footer"]["text"].startswith("Page 1 of 1")


async def test_history_page_option_reaches_the_service(bot: Bot) -> None:
    await bot.enroll()
    await answer_as_alice(bot)
    sent = await bot.interact(interaction(2, slash("history", page=2)))
    assert title(sent[0]) == "Page 2 is empty"


async def test_leaderboard_board_option_and_hiding(bot: Bot) -> None:
    await bot.enroll()
    await answer_as_alice(bot)
    sent = await bot.interact(interaction(2, slash("leaderboard", board="longest")))
    assert title(sent[0]) == "Leaderboard by longest streak"
    assert sent[0].embeds[0]["description"].startswith("1. Alice (you): longest streak 1")
    sent = await bot.interact(interaction(2, slash("leaderboard", me="hide")))
    assert title(sent[0]).startswith("You are hidden")
    sent = await bot.interact(interaction(2, slash("leaderboard", board="week")))
    assert (
        sent[0].embeds[0]["description"]
        == "1. Alice (you, hidden): " + (sent[0].embeds[0]["description"].split(": ", 1)[1])
    )
    seen_by_bob = await bot.interact(
        interaction(2, slash("leaderboard"), user_id=BOB_ID, name="Bob")
    )
    assert "Alice" not in seen_by_bob[0].embeds[0].get("description", "")
    admin = await bot.interact(as_admin(slash("admin", "leaderboard", period="longest")))
    assert "Alice (hidden)" in admin[0].embeds[0]["description"]
