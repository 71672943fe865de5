"""The weekly digest and the post's ping on Slack, through the real Web API client."""

from __future__ import annotations

from datetime import timedelta

from scalebot.scheduling.scheduler import RoundScheduler
from tests.platforms.slack.conftest import ADMIN, SlackBot

ANSWER = "answer Shard it, cache it, queue it, and monitor the p99."


async def test_the_weeks_first_round_posts_the_digest_between_the_summary_and_the_question(
    slack: SlackBot,
) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    scheduler, channel_id = RoundScheduler(slack.ctx, slack.clock), await slack.channel_id()
    await scheduler.fire(channel_id)
    await slack.command(ANSWER)
    slack.clock.now += timedelta(days=7)
    await scheduler.fire(channel_id)
    posts = slack.fake.calls_to("chat.postMessage")
    assert [("thread_ts" in post.params) for post in posts] == [False, True, False, False]
    digest = posts[2].params
    assert digest["text"].startswith("Weekly digest: Mar 2, 2026 to Mar 8, 2026")
    assert "Hardest question" in str(digest["blocks"])
    assert posts[3].params["text"].startswith("Mon 09 Mar: ")


async def test_admins_turn_the_digest_off(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin digest off", user=ADMIN)
    assert "The weekly digest is off." in str(slack.last_reply())
    scheduler, channel_id = RoundScheduler(slack.ctx, slack.clock), await slack.channel_id()
    await scheduler.fire(channel_id)
    await slack.command(ANSWER)
    slack.clock.now += timedelta(days=7)
    await scheduler.fire(channel_id)
    posts = slack.fake.calls_to("chat.postMessage")
    assert [("thread_ts" in post.params) for post in posts] == [False, True, False]
