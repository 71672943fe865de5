"""History, boards, hiding, corrections and freezes through signed slash commands."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.platforms.slack.conftest import ADMIN, ALICE, BOB, SlackBot

ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, monitor p99 latency."


async def test_history_lists_answers_privately(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("history")
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Your recent answers")
    assert "Score " in reply["text"]
    assert "Page 1 of 1 · 1 answer" in reply["text"]
    await slack.command("history two")
    assert "'two' is not a page number" in slack.last_reply()["text"]


async def test_leaderboard_boards_and_hiding(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("leaderboard longest")
    assert slack.last_reply()["text"].startswith("Leaderboard by longest streak")
    await slack.command("leaderboard hide")
    assert slack.last_reply()["text"].startswith("You are hidden")
    await slack.command("leaderboard", user=BOB)
    assert "No answers yet" in slack.last_reply()["text"]
    await slack.command("leaderboard")
    assert "1. Alice (you, hidden)" in slack.last_reply()["text"]
    await slack.command("admin leaderboard all", user=ADMIN)
    assert "1. Alice (hidden)" in slack.last_reply()["text"]
    await slack.command("leaderboard show")
    await slack.command("leaderboard", user=BOB)
    assert "1. Alice:" in slack.last_reply()["text"]


async def test_admin_streak_correction_with_a_slack_mention_and_undo(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command(f"admin streak <@{ALICE}|alice> 6 answers lost in the outage", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Alice's streak is now 6 (was 1).")
    await slack.command("streak")
    assert slack.last_reply()["text"].startswith("Your streak: 6")
    await slack.command("export-me")
    [record] = json.loads(slack.fake.uploads[-1])["streak_corrections"]
    assert (record["reason"], record["new_streak"]) == ("answers lost in the outage", 6)
    await slack.command("admin undo", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Undid the correction of Alice's streak")
    await slack.command("admin streak @alice 6 no reason given", user=BOB)
    assert slack.last_reply()["text"].startswith("Only channel admins")


async def test_freezes_switch_and_the_freeze_notice(slack: SlackBot) -> None:
    await slack.enroll()
    for day in range(7):
        if day:
            slack.clock.now += timedelta(days=1)
            await slack.command("admin post-now", user=ADMIN)
        await slack.command(f"answer {ANSWER}")
    for _missed_and_closed in range(2):
        slack.clock.now += timedelta(days=1)
        await slack.command("admin post-now", user=ADMIN)
    await slack.command("stats")
    text = slack.last_reply()["text"]
    assert "Streak freeze" in text
    assert "A streak freeze kept your streak alive. 0 freezes left." in text
    await slack.command("admin freezes off", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Streak freezes are off")
    await slack.command("streak")
    assert "Off in this channel" in slack.last_reply()["text"]
    assert "kept your streak alive" not in slack.last_reply()["text"]
