"""The full path: an unmodified client.start() against a fake gateway, and thread answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from scalebot.platforms.discord.adapter import INTENT_OFF, DiscordAdapter
from scalebot.platforms.discord.config import REJECTED_TOKEN
from scalebot.services import members, rounds
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from scalebot.settings import SettingsError
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot, Clock, config_for
from tests.platforms.discord.fake_discord import APP_ID, CHANNEL_ID, TOKEN, FakeDiscord, thread
from tests.platforms.discord.payloads import (
    MEMBER_PERMISSIONS,
    guild,
    interaction,
    slash,
    thread_message,
)
from tests.platforms.discord.test_commands import ALICE_REF, GOOD_ANSWER

MESSAGE_CONTENT = 1 << 15


def started(ctx: AppContext, fake: FakeDiscord, clock: Clock, **changes: Any) -> DiscordAdapter:
    """An adapter on the fake, registered as the discord messenger (not yet started)."""
    adapter = DiscordAdapter(
        config_for(fake, **changes), SharedBudgets(ctx.db), clock=clock, guild_ready_timeout=0.05
    )
    ctx.messengers = {**ctx.messengers, "discord": adapter.messenger}  # the fixture's context
    adapter.bind(ctx)
    return adapter


@pytest.fixture
async def live(ctx: AppContext, fake: FakeDiscord, clock: Clock) -> AsyncIterator[Bot]:
    """A bot connected through the fake gateway, in a server the fake announces."""
    fake.guilds = [guild()]
    adapter = started(ctx, fake, clock)
    await adapter.start()
    try:
        yield Bot(adapter, fake, clock, ctx)
    finally:
        await adapter.stop()


async def test_unmodified_client_start_serves_slash_commands(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    adapter = started(ctx, fake, clock)
    adapter.config.use_endpoints()
    running = asyncio.create_task(adapter.client.start(TOKEN))
    try:
        await fake.wait_identified()
        payload = interaction(2, slash("help"))
        await fake.dispatch("INTERACTION_CREATE", payload)
        sent = await fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{payload['token']}$")
        assert sent[0].embeds[0]["title"].startswith("scalebot")
        identify = fake.identified[0]
        assert identify["token"] == TOKEN
        assert identify["intents"] == discord.Intents.default().value
        assert not identify["intents"] & MESSAGE_CONTENT
    finally:
        await adapter.client.close()
        await running


async def test_adapter_start_returns_once_ready_and_stop_closes(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    adapter = started(ctx, fake, clock)
    await adapter.start()
    assert adapter.client.is_ready()
    await adapter.stop()
    await asyncio.wait_for(adapter.wait_closed(), 5)
    assert adapter.client.is_closed()


async def test_the_process_runs_only_its_shards(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    adapter = started(ctx, fake, clock, shard_count=3, shard_ids=(2,))
    await adapter.start()
    try:
        assert [i["shard"] for i in fake.identified] == [[2, 3]]
    finally:
        await adapter.stop()


async def test_a_rejected_token_stops_start_up_with_one_line(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    fake.fail("GET", r"^/users/@me$", 401, {"message": "401: Unauthorized", "code": 0})
    adapter = started(ctx, fake, clock)
    with pytest.raises(SettingsError) as caught:
        await adapter.start()
    assert str(caught.value) == REJECTED_TOKEN
    await adapter.stop()


async def test_an_unreachable_api_stops_start_up_with_one_line(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    adapter = started(ctx, fake, clock, api_url="http://127.0.0.1:9/api/v10")
    with pytest.raises(SettingsError) as caught:
        await adapter.start()
    assert str(caught.value).startswith("SCALEBOT_DISCORD_API_URL: cannot reach")
    await adapter.stop()


async def test_thread_answers_without_the_intent_enabled_explain_the_switch(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    fake.close_on_identify = 4014
    adapter = started(ctx, fake, clock, thread_answers=True)
    with pytest.raises(SettingsError) as caught:
        await adapter.start()
    assert str(caught.value) == INTENT_OFF
    assert fake.identified[0]["intents"] & MESSAGE_CONTENT
    await adapter.stop()


async def post_question_with_thread(bot: Bot) -> int:
    """Post today's question and announce its thread as Discord would; return the thread id."""
    await bot.enroll()
    created = bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages/\d+/threads$")
    thread_id = int(created[0].path.split("/")[4])
    data = thread(thread_id, CHANNEL_ID, created[0].body["name"]) | {"newly_created": True}
    await bot.fake.dispatch("THREAD_CREATE", data)
    return thread_id


async def test_a_slash_command_through_the_gateway_uses_the_cached_server(live: Bot) -> None:
    payload = interaction(2, slash("admin", "setup", time="09:00", zone="UTC"))
    await live.fake.dispatch("INTERACTION_CREATE", payload)
    sent = await live.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{payload['token']}$")
    assert sent[0].embeds[0]["title"].startswith("Only channel admins")
    assert live.client.get_guild(int(DISCORD_CHANNEL.workspace_id)) is not None


async def test_without_the_switch_thread_replies_are_ignored(live: Bot) -> None:
    thread_id = await post_question_with_thread(live)
    await live.fake.dispatch("MESSAGE_CREATE", thread_message(thread_id, GOOD_ANSWER))
    marker = interaction(2, slash("help"), permissions=MEMBER_PERMISSIONS)
    await live.fake.dispatch("INTERACTION_CREATE", marker)
    await live.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{marker['token']}$")
    assert live.fake.find("POST", r"^/users/@me/channels$") == []
    assert (await members.export_user(live.ctx, user=ALICE_REF))["answers"] == []


@pytest.fixture
async def live_with_thread_answers(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> AsyncIterator[Bot]:
    """A connected bot with SCALEBOT_DISCORD_THREAD_ANSWERS on."""
    fake.guilds = [guild()]
    adapter = started(ctx, fake, clock, thread_answers=True)
    await adapter.start()
    try:
        yield Bot(adapter, fake, clock, ctx)
    finally:
        await adapter.stop()


async def test_with_the_switch_a_thread_reply_is_graded_and_the_feedback_sent_by_dm(
    live_with_thread_answers: Bot,
) -> None:
    bot = live_with_thread_answers
    assert bot.fake.identified[0]["intents"] & MESSAGE_CONTENT
    thread_id = await post_question_with_thread(bot)
    await bot.fake.dispatch("MESSAGE_CREATE", thread_message(thread_id, GOOD_ANSWER))
    dm = await bot.fake.wait_for("POST", r"^/users/@me/channels$")
    feedback = await bot.fake.wait_for(
        "POST", rf"^/channels/(?!{CHANNEL_ID}|{thread_id})\d+/messages$"
    )
    assert feedback[0].embeds[0]["title"].startswith("Score ")
    assert dm[0].body["recipient_id"] == int(ALICE_REF.user_id)
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert exported["answers"][0]["text"] == GOOD_ANSWER


async def test_a_thread_reply_with_dms_closed_gets_a_note_in_the_thread_without_a_score(
    live_with_thread_answers: Bot,
) -> None:
    bot = live_with_thread_answers
    thread_id = await post_question_with_thread(bot)
    bot.fake.fail("POST", r"^/users/@me/channels$", 403, {"message": "Cannot send", "code": 50007})
    await bot.fake.dispatch("MESSAGE_CREATE", thread_message(thread_id, GOOD_ANSWER))
    note = await bot.fake.wait_for("POST", rf"^/channels/{thread_id}/messages$")
    assert note[0].body["content"].startswith("I could not send your feedback privately")
    assert "Score" not in str(note[0].body)


async def test_a_repeated_message_delivery_is_graded_once(live_with_thread_answers: Bot) -> None:
    bot = live_with_thread_answers
    thread_id = await post_question_with_thread(bot)
    message = thread_message(thread_id, GOOD_ANSWER)
    await bot.fake.dispatch("MESSAGE_CREATE", message)
    await bot.fake.dispatch("MESSAGE_CREATE", message)
    await bot.fake.wait_for("POST", r"^/users/@me/channels$")
    marker = interaction(2, slash("streak"))
    await bot.fake.dispatch("INTERACTION_CREATE", marker)
    sent = await bot.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{marker['token']}$")
    assert sent[0].embeds[0]["title"].startswith("Your streak: 1")
    assert len(bot.fake.find("POST", r"^/users/@me/channels$")) == 1


async def test_replies_in_other_threads_are_ignored(live_with_thread_answers: Bot) -> None:
    bot = live_with_thread_answers
    await post_question_with_thread(bot)
    other = bot.fake.next_id()
    await bot.fake.dispatch(
        "THREAD_CREATE", thread(other, CHANNEL_ID, "chat") | {"newly_created": True}
    )
    await bot.fake.dispatch("MESSAGE_CREATE", thread_message(other, GOOD_ANSWER))
    marker = interaction(2, slash("help"))
    await bot.fake.dispatch("INTERACTION_CREATE", marker)
    await bot.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{marker['token']}$")
    await asyncio.sleep(0.05)
    assert bot.fake.find("POST", r"^/users/@me/channels$") == []


async def test_no_thread_is_attempted_where_the_bot_may_not_create_threads(
    ctx: AppContext, fake: FakeDiscord, clock: Clock
) -> None:
    fake.guilds = [guild(MEMBER_PERMISSIONS)]
    adapter = started(ctx, fake, clock)
    await adapter.start()
    try:
        bot = Bot(adapter, fake, clock, ctx)
        round_id = await bot.enroll()
        assert fake.find("POST", r"/threads$") == []
        message_id = next(iter(fake.messages))
        found = await rounds.round_for_message(
            ctx, channel=DISCORD_CHANNEL, message_ref=f"message:{message_id}"
        )
        assert found == round_id
    finally:
        await adapter.stop()
