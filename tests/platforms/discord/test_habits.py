"""History, boards, hiding, corrections and freezes through discord.py's real tree."""

from __future__ import annotations

from datetime import timedelta

from scalebot.services import answers, members
from scalebot.services.commands import ADMIN_ONLY
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import user
from tests.platforms.discord.payloads import ALICE_ID, BOB_ID, interaction, slash
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


def correction(member_id: int, name: str, count: int, reason: str) -> dict[str, object]:
    """/scale admin streak with a user option, resolved as Discord sends it."""
    data = slash("admin", "streak", count=count, reason=reason)
    leaf = data["options"][0]["options"][0]
    leaf["options"].insert(0, {"name": "member", "type": 6, "value": str(member_id)})
    data["resolved"] = {"users": {str(member_id): user(member_id, name)}}
    return data


async def test_admin_streak_and_undo_with_a_member_option(bot: Bot) -> None:
    await bot.enroll()
    await answer_as_alice(bot)
    sent = await bot.interact(as_admin(correction(ALICE_ID, "Alice", 8, "lost in the outage")))
    assert title(sent[0]) == "Alice's streak is now 8 (was 1)."
    streak = await bot.interact(interaction(2, slash("streak")))
    assert title(streak[0]).startswith("Your streak: 8")
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert exported["streak_corrections"][0]["reason"] == "lost in the outage"
    assert exported["streak_corrections"][0]["by"] == "Ada"
    undone = await bot.interact(as_admin(slash("admin", "undo")))
    assert title(undone[0]) == "Undid the correction of Alice's streak: it is 1 again."


async def test_members_cannot_correct_streaks(bot: Bot) -> None:
    await bot.enroll()
    await answer_as_alice(bot)
    sent = await bot.interact(interaction(2, correction(ALICE_ID, "Alice", 99, "mine")))
    assert title(sent[0]) == str(ADMIN_ONLY)
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert exported["streak_corrections"] == []


async def test_a_spent_freeze_is_told_on_the_next_private_reply(bot: Bot) -> None:
    await bot.enroll()
    for day in range(7):
        if day:
            bot.clock.now += timedelta(days=1)
            await bot.post_today()
        await answer_as_alice(bot)
    for _missed_and_closed in range(2):
        bot.clock.now += timedelta(days=1)
        await bot.post_today()
    sent = await bot.interact(interaction(2, slash("streak")))
    assert title(sent[0]).startswith("Your streak: 7")
    fields = {f["name"]: f["value"] for f in sent[0].embeds[0]["fields"]}
    assert fields["Streak freeze"].startswith("❄️ You missed a round: A streak freeze kept")
    again = await bot.interact(interaction(2, slash("streak")))
    assert "Streak freeze" not in {f["name"] for f in again[0].embeds[0]["fields"]}


async def test_admin_turns_freezes_off(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(as_admin(slash("admin", "freezes", state="off")))
    assert title(sent[0]) == "Streak freezes are off: a missed round breaks a streak."
    await answer_as_alice(bot)
    streak = await bot.interact(interaction(2, slash("streak")))
    fields = {f["name"]: f["value"] for f in streak[0].embeds[0]["fields"]}
    assert fields["Streak freezes"].startswith("Off in this channel")
    refused = await bot.interact(interaction(2, slash("admin", "freezes", state="on")))
    assert title(refused[0]) == str(ADMIN_ONLY)
