"""/scale admin topics | difficulty | skip | unskip through signed slash commands."""

from __future__ import annotations

from datetime import timedelta

from scalebot.scheduling.scheduler import RoundScheduler
from tests.platforms.slack.conftest import ADMIN, ALICE, SlackBot


async def test_topics_filter_the_next_post(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin topics hardware", user=ADMIN)
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Rounds here ask: topics hardware, every difficulty.")
    await slack.command("admin post-now", user=ADMIN)
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert "Hardware" in str(post.params["blocks"])  # the topic's title


async def test_unknown_topic_lists_the_valid_ones_in_one_line(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin topics gpus", user=ADMIN)
    text = slack.last_reply()["text"]
    assert text.startswith("Unknown topic 'gpus': use batch-vs-realtime, checkpoints,")
    assert text.endswith("system-design, or all.")


async def test_members_cannot_skip_dates(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin skip 2026-03-03", user=ALICE)
    assert slack.last_reply()["text"].startswith("Only channel admins")


async def test_a_skipped_date_posts_nothing_and_the_next_round_follows(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin skip 2026-03-03", user=ADMIN)
    assert slack.last_reply()["text"].startswith("No round on Mar 3, 2026.")
    scheduler = RoundScheduler(slack.ctx, slack.clock)
    channel_id = await slack.channel_id()
    await scheduler.fire(channel_id)  # Monday
    slack.clock.now += timedelta(days=1)
    await scheduler.fire(channel_id)  # Tuesday: skipped
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    slack.clock.now += timedelta(days=1)
    await scheduler.fire(channel_id)  # Wednesday closes Monday and posts
    texts = [call.params["text"] for call in slack.fake.calls_to("chat.postMessage")]
    assert texts[1].startswith("Round 1 closed")
    assert texts[2].startswith("Wed 04 Mar: ")
    await slack.command("admin skip list", user=ADMIN)
    assert slack.last_reply()["text"].startswith("No dates are skipped here.")
