"""`scalebot run discord` and `scalebot run all`: the adapter inside the bot's one event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from scalebot.app import build_context, open_database, run_bot
from scalebot.bank.loader import load_bank
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.grading.rubric import RubricGrader
from scalebot.services import channels, rounds
from scalebot.services.context import AppContext
from scalebot.settings import Settings, load_settings
from tests.platforms.discord.conftest import DISCORD_CHANNEL
from tests.platforms.discord.fake_discord import APP_ID, CHANNEL_ID, TOKEN, FakeDiscord
from tests.platforms.discord.payloads import ADMIN_PERMISSIONS, interaction, slash
from tests.platforms.processes import free_port, wait_healthy
from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack

POSTS = rf"^/channels/{CHANNEL_ID}/messages$"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SCALEBOT_* variables or .env file from the developer's machine."""
    for name in list(os.environ):
        if name.startswith("SCALEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def settings_for(fake: FakeDiscord, tmp_path: Path) -> Settings:
    """Settings for a Discord bot on the fake, with a SQLite file in tmp_path."""
    return load_settings(
        discord_token=TOKEN,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        data_dir=tmp_path / "data",
    )


async def enroll_due_channel(settings: Settings) -> None:
    """Enroll the test channel with a post time that has already passed today (UTC)."""
    ctx = await build_context(settings)
    try:
        schedule = Schedule(parse_time("00:00"), Days.DAILY, "UTC")
        now = datetime.now(UTC)
        await channels.enroll_channel(ctx, channel=DISCORD_CHANNEL, schedule=schedule, now=now)
    finally:
        await ctx.db.dispose()


async def round_marked_posted(settings: Settings) -> None:
    """Wait until the posted round is recorded (it is stored right after the post returns).

    The bot holds the SQLite file, so this reads it without taking the process lock.
    """
    ctx = AppContext(await open_database(settings, exclusive=False), load_bank(), RubricGrader())
    try:
        for _ in range(500):
            if await rounds.latest_post_time(ctx, channel=DISCORD_CHANNEL) is not None:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the round was never marked posted")
    finally:
        await ctx.db.dispose()


async def test_run_bot_connects_discord_and_posts_the_rounds_it_missed(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    settings = settings_for(fake, tmp_path)
    await enroll_due_channel(settings)
    running = asyncio.create_task(run_bot(settings, ["discord"]))
    try:
        posts = await fake.wait_for("POST", POSTS)
        assert posts[0].body["components"][0]["components"][0]["label"] == "Answer"
        await fake.wait_for("POST", rf"^/channels/{CHANNEL_ID}/messages/\d+/threads$")
        await round_marked_posted(settings)
        await fake.wait_identified()
        payload = interaction(2, slash("today"))
        await fake.dispatch("INTERACTION_CREATE", payload)
        sent = await fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{payload['token']}$")
        assert sent[0].embeds[0]["title"] == posts[0].embeds[0]["title"]
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    assert fake.identified[0]["token"] == TOKEN


async def test_discord_mode_serves_health_on_the_health_port(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings_for(fake, tmp_path).model_copy(
        update={"health_port": port, "health_host": "127.0.0.1"}
    )
    running = asyncio.create_task(run_bot(settings, ["discord"]))
    try:
        await fake.wait_identified()
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    body = await response.json()
                    if response.status == 200:
                        break
                await asyncio.sleep(0.05)
            assert body == {"ok": True, "database": "ok", "scheduler": "ok", "discord": "ok"}
            await fake.close()  # Discord goes away
            for _ in range(200):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 503:
                        body = await response.json()
                        break
                await asyncio.sleep(0.05)
            assert (body["ok"], body["discord"], body["database"]) == (False, "down", "ok")
    finally:
        running.cancel()
        with pytest.raises((asyncio.CancelledError, Exception)):
            await running


async def test_run_all_serves_slack_and_discord_in_one_process(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    slack = FakeSlack()
    await slack.start()
    port = free_port()
    env = {
        **os.environ,
        "SCALEBOT_DATA_DIR": str(tmp_path / "data"),
        "SCALEBOT_LOG_LEVEL": "WARNING",
        "SCALEBOT_DISCORD_TOKEN": TOKEN,
        "SCALEBOT_DISCORD_API_URL": fake.api_url,
        "SCALEBOT_DISCORD_GATEWAY_URL": fake.gateway_url,
        "SCALEBOT_SLACK_BOT_TOKEN": BOT_TOKEN,
        "SCALEBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SCALEBOT_SLACK_RESPONSE_HOSTS": "127.0.0.1",
        "SCALEBOT_SLACK_API_URL": slack.api_url,
    }
    command = ["-m", "scalebot", "run", "all", "--http", "--host", "127.0.0.1", "--port"]
    bot = await asyncio.create_subprocess_exec(
        sys.executable, *command, str(port), env=env, cwd=tmp_path
    )
    try:
        await wait_healthy(f"http://127.0.0.1:{port}/healthz", bot)
        await fake.wait_identified()
        malformed = interaction(2, slash("help"))
        malformed["member"]["permissions"] = "not-a-number"
        await fake.dispatch("INTERACTION_CREATE", malformed)  # dropped; nothing else stops
        payload = interaction(
            2, slash("admin", "setup", time="09:00", zone="UTC"), permissions=ADMIN_PERMISSIONS
        )
        await fake.dispatch("INTERACTION_CREATE", payload)
        sent = await fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{payload['token']}$")
        assert sent[0].embeds[0]["title"].startswith("This channel is enrolled")
        health = f"http://127.0.0.1:{port}/healthz"
        async with aiohttp.ClientSession() as session, session.get(health) as response:
            assert response.status == 200
            assert await response.json() == {
                "ok": True,
                "database": "ok",
                "scheduler": "ok",
                "slack": "ok",
                "discord": "ok",
            }
        assert len(fake.identified) == 1  # the gateway connection was never dropped
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), 30)
        await slack.close()
