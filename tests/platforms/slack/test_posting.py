"""The scheduled post, round close, 429s and refused channels, through the real Web API client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import PostStatus
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import channels
from scalebot.services.context import AppContext
from scalebot.services.replies import HOW_TO_ANSWER
from tests.platforms.slack.conftest import ADMIN, CHANNEL, SlackBot, config_for, start_bot
from tests.platforms.slack.fake_slack import BOT_TOKEN, TEAM, FakeSlack, Flakiness

CONFIGURED_ADMIN = "UCONFIGURED"
SLACK_CHANNEL = ChannelRef("slack", TEAM, CHANNEL)


@pytest.fixture
async def bot(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """The adapter with one admin id configured in SCALEBOT_ADMIN_IDS."""
    config = config_for(fake_slack, admin_ids=frozenset({CONFIGURED_ADMIN}))
    started = await start_bot(ctx, fake_slack, config)
    try:
        yield started
    finally:
        await started.session.close()
        await started.adapter.stop()


async def enrolled(bot: SlackBot) -> tuple[RoundScheduler, int]:
    """Enroll the channel (no round yet) and return a scheduler on the test clock."""
    await bot.command("admin setup 09:00 UTC", user=ADMIN)
    return RoundScheduler(bot.ctx, bot.clock), await bot.channel_id()


async def test_scheduled_post_is_block_kit_with_a_fallback(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.POSTED
    (post,) = bot.fake.calls_to("chat.postMessage")
    assert post.token == BOT_TOKEN
    assert post.params["channel"] == CHANNEL
    assert post.params["text"].startswith("Mon 02 Mar: ")
    kinds = [block["type"] for block in post.params["blocks"]]
    assert kinds[0] == "section"
    assert "actions" in kinds
    fields = next(b["fields"] for b in post.params["blocks"] if "fields" in b)
    assert [f["text"].split("\n")[0] for f in fields] == ["*Topic*", "*Difficulty*"]
    assert str(HOW_TO_ANSWER) in str(post.params["blocks"])
    assert "reply in this thread" in str(post.params["blocks"])


async def test_a_second_fire_posts_nothing(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    await scheduler.fire(channel_id)
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.EXISTS
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


async def test_round_close_posts_the_summary_in_the_question_thread(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    await scheduler.fire(channel_id)
    first_ts = bot.fake.calls_to("chat.postMessage")[0].answer["ts"]
    await bot.command("answer Shard it, cache it, queue it, and monitor the p99.")
    bot.clock.now += timedelta(days=1)
    await scheduler.fire(channel_id)
    summary = next(c for c in bot.fake.calls_to("chat.postMessage") if "thread_ts" in c.params)
    assert summary.params["thread_ts"] == first_ts
    assert summary.params["text"].startswith("Round 1 closed")
    assert "1 answer, average score" in summary.params["text"]
    assert "Model answer" in str(summary.params["blocks"])


async def test_the_summary_goes_out_before_the_next_question(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    await scheduler.fire(channel_id)
    bot.clock.now += timedelta(days=1)
    await scheduler.fire(channel_id)
    posts = bot.fake.calls_to("chat.postMessage")
    assert [("thread_ts" in post.params) for post in posts] == [False, True, False]
    assert posts[1].params["text"].startswith("Round 1 closed")
    assert posts[2].params["text"].startswith("Tue 03 Mar: ")


async def test_429_is_retried_after_retry_after(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.fake.rate_limit("chat.postMessage")
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.POSTED
    assert [c.answer["ok"] for c in bot.fake.calls_to("chat.postMessage")] == [False, True]


@pytest.mark.parametrize(
    "error",
    [
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "token_revoked",
        "account_inactive",
        "invalid_auth",
    ],
)
async def test_refused_channel_is_paused_and_admins_told_once(bot: SlackBot, error: str) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.fake.fail("chat.postMessage", error)
    bot.fake.fail("conversations.join", "method_not_supported_for_channel_type")
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.FAILED
    info = await channels.get_channel(bot.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert not info.active
    assert error in (info.state_reason or "")
    dms = [c for c in bot.fake.calls_to("chat.postMessage") if c.params["channel"] != CHANNEL]
    assert sorted(c.params["channel"] for c in dms) == sorted([ADMIN, CONFIGURED_ADMIN])
    assert all("stopped posting" in c.params["text"] for c in dms)
    assert f"<#{CHANNEL}>" in str(dms[0].params["blocks"])
    bot.clock.now += timedelta(days=1)
    assert (await scheduler.fire(channel_id)).status is PostStatus.PAUSED
    assert len(bot.fake.calls_to("chat.postMessage")) == 1 + len(dms)


async def test_a_chinese_channels_admins_are_told_in_chinese(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    await bot.command("admin language zh", user=ADMIN)
    bot.fake.fail("chat.postMessage", "channel_not_found")
    assert (await scheduler.fire(channel_id)).status is PostStatus.FAILED
    dms = [c for c in bot.fake.calls_to("chat.postMessage") if c.params["channel"] != CHANNEL]
    assert dms
    assert all(c.params["text"].startswith("scalebot 已停止在本频道出题") for c in dms)
    context = dms[0].params["blocks"][-1]["elements"][0]["text"]
    assert context == f"频道：<#{CHANNEL}>"


async def test_not_in_a_public_channel_joins_and_posts(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.fake.fail("chat.postMessage", "not_in_channel")
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.POSTED
    assert bot.fake.calls_to("conversations.join")[0].params["channel"] == CHANNEL
    info = await channels.get_channel(bot.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert info.active


async def test_other_errors_fail_the_post_without_pausing(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.fake.fail("chat.postMessage", "internal_error")
    outcome = await scheduler.fire(channel_id)
    assert outcome.status is PostStatus.FAILED
    info = await channels.get_channel(bot.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert info.active
    assert bot.fake.calls_to("users.list") == []
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING  # backing off
    bot.clock.now += bot.ctx.delivery.retry_base
    assert (await scheduler.fire(channel_id)).status is PostStatus.POSTED


async def test_round_posts_carry_metadata_with_the_round_id(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    outcome = await scheduler.fire(channel_id)
    [post] = bot.fake.posts_in(CHANNEL)
    assert post["metadata"] == {
        "event_type": "scalebot_round",
        "event_payload": {"round_id": outcome.round_id},
    }


async def test_a_server_error_after_the_post_is_found_in_history_not_reposted(
    bot: SlackBot,
) -> None:
    """Slack stored the message, then answered 500: the watchdog finds it and sends nothing."""
    scheduler, channel_id = await enrolled(bot)
    bot.fake.flaky = Flakiness(server_errors=1.0, stored_on_error=1.0)
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING
    assert len(bot.fake.posts_in(CHANNEL)) == 1
    bot.fake.flaky = Flakiness()
    bot.clock.now += bot.ctx.delivery.settle + timedelta(seconds=1)
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    [history] = bot.fake.calls_to("conversations.history")
    assert history.params["include_all_metadata"] in ("1", "true", True)
    [post] = bot.fake.posts_in(CHANNEL)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1
    async with bot.ctx.reading() as repo:
        round_ = await repo.get_round(round_id=outcome.round_id or 0)
    assert round_ is not None
    assert round_.message_ref == post["ts"]


async def test_a_server_error_without_a_post_is_sent_again_once(bot: SlackBot) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.fake.flaky = Flakiness(server_errors=1.0, stored_on_error=0.0)
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING
    assert bot.fake.posts_in(CHANNEL) == []
    bot.fake.flaky = Flakiness()
    bot.clock.now += bot.ctx.delivery.settle + timedelta(seconds=1)
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    assert len(bot.fake.posts_in(CHANNEL)) == 1


async def test_a_reply_after_the_timeout_is_no_duplicate_and_answerable_at_once(
    bot: SlackBot,
) -> None:
    scheduler, channel_id = await enrolled(bot)
    bot.ctx.delivery = replace(bot.ctx.delivery, post_timeout=timedelta(seconds=0.3))
    bot.fake.flaky = Flakiness(reply_delay=1.0)
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING
    # The member sees the question and asks for it before any watchdog ran.
    await bot.command("today")
    await bot.fake.wait_for_responses(2)
    assert "No question" not in bot.fake.responses[-1]["text"]
    bot.clock.now += bot.ctx.delivery.lease
    assert await scheduler.watchdog() == []  # already settled
    assert len(bot.fake.posts_in(CHANNEL)) == 1


async def test_a_connection_dropped_after_slack_stored_the_post_is_not_resent(
    bot: SlackBot,
) -> None:
    """No client-side retry re-sends it: the watchdog finds it in the history instead."""
    scheduler, channel_id = await enrolled(bot)
    bot.fake.flaky = Flakiness(dropped_after_store=1.0)
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING
    assert len(bot.fake.posts_in(CHANNEL)) == 1
    bot.fake.flaky = Flakiness()
    bot.clock.now += bot.ctx.delivery.settle + timedelta(seconds=1)
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    assert len(bot.fake.posts_in(CHANNEL)) == 1
