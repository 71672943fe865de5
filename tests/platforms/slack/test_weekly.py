"""The weekly digest and the post's ping on Slack, through the real Web API client."""

from __future__ import annotations

from datetime import timedelta

from scalebot.scheduling.scheduler import RoundScheduler
from tests.platforms.slack.conftest import ADMIN, ALICE, SlackBot

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


async def test_the_post_pings_the_user_group_an_admin_set(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin ping <!subteam^S0REVIEW|@reviewers>", user=ADMIN)
    assert "Each daily post here now pings the user group S0REVIEW." in str(slack.last_reply())
    await RoundScheduler(slack.ctx, slack.clock).fire(await slack.channel_id())
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["text"].startswith("<!subteam^S0REVIEW> Mon 02 Mar: ")
    assert post.params["blocks"][0]["text"]["text"] == "<!subteam^S0REVIEW>"
    others = str(post.params["blocks"][1:]) + post.params["text"].split(" ", 1)[1]
    assert "<!" not in others  # no other mention anywhere in the post


async def test_everyone_and_members_are_refused_as_the_ping(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin ping <!here>", user=ADMIN)
    assert "scalebot never pings everyone" in str(slack.last_reply())
    await slack.command("admin ping <@UBOB|bob>", user=ADMIN)
    assert "That is a member, not a role or user group" in str(slack.last_reply())
    await slack.command("admin ping @reviewers", user=ADMIN)
    assert "is not a user group: pick the group from Slack" in str(slack.last_reply())
    await slack.command("admin post-now", user=ADMIN)
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert "subteam" not in post.params["text"]


async def test_a_reminder_is_a_dm_sent_once_before_the_round_closes(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    scheduler, channel_id = RoundScheduler(slack.ctx, slack.clock), await slack.channel_id()
    for _day in range(3):
        await scheduler.fire(channel_id)
        await slack.command(ANSWER)
        slack.clock.now += timedelta(days=1)
    await scheduler.fire(channel_id)
    await slack.command("remind on")
    assert "Reminders are on here." in str(slack.last_reply())
    slack.clock.now += timedelta(hours=21, minutes=30)  # 2.5 hours before the next round
    assert await scheduler.remind() == 1
    assert await scheduler.remind() == 0
    dms = [c for c in slack.fake.calls_to("chat.postMessage") if c.params["channel"] == ALICE]
    assert len(dms) == 1
    assert dms[0].params["text"].startswith("Your streak of 3 rounds ends in 3 hours")
