"""The scheduled post, round close, 429s and refused channels, through the real Web API client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import PostStatus
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import channels
from scalebot.services.context import AppContext
from scalebot.services.replies import HOW_TO_ANSWER
from tests.platforms.slack.conftest import ADMIN, CHANNEL, SlackBot, config_for, start_bot
from tests.platforms.slack.fake_slack import BOT_TOKEN, TEAM, FakeSlack

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
    assert HOW_TO_ANSWER in str(post.params["blocks"])
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
    assert (await scheduler.fire(channel_id)).status is PostStatus.POSTED
