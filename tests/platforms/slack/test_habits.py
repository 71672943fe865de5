"""History, boards, hiding, corrections and freezes through signed slash commands."""

from __future__ import annotations

from tests.platforms.slack.conftest import ADMIN, BOB, SlackBot

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
