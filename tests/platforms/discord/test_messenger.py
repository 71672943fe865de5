"""Daily posts, threads, round close, refusing channels and rate limits, through real REST."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.platforms.discord.pacing import discord_pacer
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import channels, languages, rounds
from scalebot.services.budgets import SharedBudgets
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import CHANNEL_ID, GUILD_ID, OWNER_ID

CHANNEL_POSTS = rf"^/channels/{CHANNEL_ID}/messages$"
THREADS = rf"^/channels/{CHANNEL_ID}/messages/\d+/threads$"


async def channel_id(bot: Bot) -> int:
    """The database id of the enrolled test channel."""
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    return info.id


async def test_scheduled_post_is_an_embed_with_an_answer_button_and_a_thread(bot: Bot) -> None:
    await bot.enroll(post=False)
    outcome = await RoundScheduler(bot.ctx, bot.clock).fire(await channel_id(bot))
    assert outcome.status is PostStatus.POSTED
    post = bot.fake.find("POST", CHANNEL_POSTS)[0]
    embed = post.embeds[0]
    assert embed["title"].startswith("Mon 05 Jan: ")
    assert {f["name"] for f in embed["fields"]} == {"Topic", "Difficulty"}
    button = post.body["components"][0]["components"][0]
    assert button["custom_id"] == f"scalebot:answer:{outcome.round_id}"
    thread = bot.fake.find("POST", THREADS)[0]
    assert thread.body["name"].startswith("Discuss: Mon 05 Jan")
    assert len(thread.body["name"]) <= 100
    message_id = thread.path.split("/")[4]
    found = await rounds.round_for_message(
        bot.ctx, channel=DISCORD_CHANNEL, message_ref=f"thread:{message_id}"
    )
    assert found == outcome.round_id


async def test_round_close_posts_model_answer_and_summary_in_the_thread(bot: Bot) -> None:
    await bot.enroll()
    thread_id = bot.fake.find("POST", THREADS)[0].path.split("/")[4]
    bot.clock.now += timedelta(days=1)
    await bot.post_today()
    summary = bot.fake.find("POST", rf"^/channels/{thread_id}/messages$")
    assert len(summary) == 1
    embed = summary[0].embeds[0]
    assert embed["title"].startswith("Round 1 closed")
    assert embed["description"] == "Nobody answered this round."
    assert embed["fields"][0]["name"] == "Model answer"


async def test_the_summary_goes_out_before_the_next_question(bot: Bot) -> None:
    await bot.enroll()
    thread_id = bot.fake.find("POST", THREADS)[0].path.split("/")[4]
    bot.clock.now += timedelta(days=1)
    await bot.post_today()
    posts = bot.fake.find("POST", rf"^/channels/({CHANNEL_ID}|{thread_id})/messages$")
    titles = [post.embeds[0]["title"] for post in posts]
    assert titles[1].startswith("Round 1 closed")
    assert titles[2].startswith("Tue 06 Jan: ")  # the new question is what people see last
    assert posts[1].path == f"/channels/{thread_id}/messages"


async def test_without_thread_permission_the_summary_replies_to_the_post(bot: Bot) -> None:
    bot.fake.fail("POST", THREADS, 403, {"message": "Missing Permissions", "code": 50013})
    await bot.enroll()
    question_id = next(iter(bot.fake.messages))
    bot.clock.now += timedelta(days=1)
    await bot.post_today()
    posts = bot.fake.find("POST", CHANNEL_POSTS)
    assert len(posts) == 3  # day 1, the summary of day 1, then day 2
    reply = posts[1]
    assert reply.embeds[0]["title"].startswith("Round 1 closed")
    assert reply.body["message_reference"]["message_id"] == question_id
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert info.active


async def test_a_deleted_thread_falls_back_to_a_reply_in_the_channel(bot: Bot) -> None:
    await bot.enroll()
    thread_id = bot.fake.find("POST", THREADS)[0].path.split("/")[4]
    bot.fake.fail("POST", rf"^/channels/{thread_id}/messages$", 404)
    bot.clock.now += timedelta(days=1)
    await bot.post_today()
    reply = bot.fake.find("POST", CHANNEL_POSTS)[1]  # after day 1, before day 2
    assert reply.embeds[0]["title"].startswith("Round 1 closed")
    assert reply.body["message_reference"]["message_id"] == int(thread_id)


async def check_refusal_pauses_and_tells_the_owner_once(bot: Bot, status: int) -> None:
    """A channel answering 403/404 is paused, its owner told once, and never retried."""
    bot.fake.fail("POST", CHANNEL_POSTS, status, times=5)
    await bot.enroll(post=False)
    scheduler = RoundScheduler(bot.ctx, bot.clock)
    outcome = await scheduler.fire(await channel_id(bot))
    assert outcome.status is PostStatus.FAILED
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert not info.active
    assert info.state_reason is not None
    assert info.state_reason.startswith(f"Discord answered {status}")
    dm = bot.fake.find("POST", r"^/users/@me/channels$")
    assert [int(r.body["recipient_id"]) for r in dm] == [OWNER_ID]
    notice = [
        r for r in bot.fake.find("POST", r"^/channels/\d+/messages$") if r.body.get("content")
    ]
    assert notice[0].body["content"] == f"About <#{CHANNEL_ID}>:"
    assert "stopped posting" in notice[0].embeds[0]["title"]
    bot.clock.now += timedelta(days=1)
    again = await scheduler.fire(await channel_id(bot))
    assert again.status is PostStatus.PAUSED
    assert len(bot.fake.find("POST", CHANNEL_POSTS)) == 1
    assert len(bot.fake.find("POST", r"^/users/@me/channels$")) == 1


async def test_a_chinese_channel_gets_its_thread_and_owner_notice_in_chinese(bot: Bot) -> None:
    await bot.enroll(post=False)
    await languages.set_channel_language(
        bot.ctx, channel=DISCORD_CHANNEL, code="zh", now=bot.clock()
    )
    await bot.post_today()
    post = bot.fake.find("POST", CHANNEL_POSTS)[0]
    thread = bot.fake.find("POST", THREADS)[0]
    assert thread.body["name"] == f"讨论：{post.embeds[0]['title']}"[:100]
    bot.fake.fail("POST", CHANNEL_POSTS, 403, times=5)
    bot.clock.now += timedelta(days=1)
    await RoundScheduler(bot.ctx, bot.clock).fire(await channel_id(bot))
    notice = [
        r for r in bot.fake.find("POST", r"^/channels/\d+/messages$") if r.body.get("content")
    ]
    assert notice[0].body["content"] == f"关于 <#{CHANNEL_ID}>："
    assert notice[0].embeds[0]["title"].startswith("scalebot 已停止")


async def test_a_403_channel_is_paused_and_its_owner_told_once(bot: Bot) -> None:
    await check_refusal_pauses_and_tells_the_owner_once(bot, 403)


async def test_a_404_channel_is_paused_and_its_owner_told_once(bot: Bot) -> None:
    await check_refusal_pauses_and_tells_the_owner_once(bot, 404)


async def test_a_429_is_waited_out_and_the_post_goes_through(bot: Bot) -> None:
    bot.fake.rate_limit("POST", CHANNEL_POSTS, retry_after=0.05)
    round_id = await bot.enroll()
    assert len(bot.fake.find("POST", CHANNEL_POSTS)) == 2
    found = await rounds.current_round(bot.ctx, channel=DISCORD_CHANNEL)
    assert found.round_id == round_id


async def test_a_429_on_a_follow_up_is_waited_out(bot: Bot) -> None:
    from tests.platforms.discord.payloads import interaction, slash

    bot.fake.rate_limit("POST", r"^/webhooks/")
    payload = interaction(2, slash("help"))
    sent = await bot.interact(payload, followups=2)
    assert sent[0].body == sent[1].body


async def test_global_429s_are_waited_out_and_every_channel_gets_one_post(bot: Bot) -> None:
    window = bot.fake.limit_globally(4)
    bot.adapter.client.messenger.pacer = discord_pacer(SharedBudgets(bot.ctx.db), per_second=1000)
    schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
    ids = []
    for number in range(5):
        ref = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID + 10 + number))
        info = await channels.enroll_channel(
            bot.ctx, channel=ref, schedule=schedule, now=bot.clock()
        )
        ids.append(info.id)
    scheduler = RoundScheduler(bot.ctx, bot.clock)
    outcomes = await asyncio.gather(*(scheduler.fire(i) for i in ids))
    assert all(o.status is PostStatus.POSTED for o in outcomes)
    assert window.refused > 0  # paced far above the limit: Discord said 429 …
    accepted = [m for m in bot.fake.messages.values() if not m.get("webhook_id")]
    posts = Counter(m["channel_id"] for m in accepted if m["embeds"])
    assert sorted(posts.values()) == [1] * 5  # … and discord.py retried: one post per channel
