"""Running it: HTTP mode's health check and early ack, Socket Mode end to end, start-up failures."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from scalebot.app import create_adapter
from scalebot.bank.loader import load_bank
from scalebot.db.engine import Database
from scalebot.domain.clock import utc_now
from scalebot.grading.rubric import RubricGrader
from scalebot.platforms.slack.adapter import SlackAdapter
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from scalebot.settings import SettingsError, load_settings
from tests.platforms.slack.conftest import ADMIN, ALICE, CHANNEL, SlackBot, config_for, start_bot
from tests.platforms.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack


async def responses(fake: FakeSlack, count: int) -> None:
    """Wait until the bot has sent `count` response-URL messages."""
    await fake.wait_for_responses(count)


async def test_healthz_reports_the_database(slack: SlackBot) -> None:
    async with slack.session.get(f"{slack.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "database": "ok", "slack": "ok"}


async def test_health_check_fails_when_the_database_is_unreachable(fake_slack: FakeSlack) -> None:
    unreachable = Database.from_url(f"postgresql://postgres@127.0.0.1:{closed_port()}/none")
    ctx = AppContext(unreachable, load_bank(), RubricGrader())
    bot = await start_bot(ctx, fake_slack, config_for(fake_slack))
    try:
        async with bot.session.get(f"{bot.url}/healthz") as response:
            assert response.status == 503
            assert (await response.json())["ok"] is False
    finally:
        await bot.session.close()
        await bot.adapter.stop()
        await unreachable.dispose()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def production(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """HTTP mode as in production: the response goes out as soon as the listener acks."""
    bot = await start_bot(ctx, fake_slack, config_for(fake_slack), process_before_response=False)
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()


async def test_commands_are_acknowledged_before_any_work(production: SlackBot) -> None:
    await production.command("admin setup 09:00 UTC", user=ADMIN)
    await responses(production.fake, 1)
    await production.command("admin post-now", user=ADMIN)
    await responses(production.fake, 2)
    assert production.fake.responses[-1]["text"] == "Posted today's round."
    held = production.fake.block("users.info")
    before = len(production.fake.calls)
    status, body = await production.command("answer Shard it and cache it.")
    assert (status, body) == (200, "")
    # Acknowledged while the member lookup is held; the post's own follow-up calls may land
    # after it, so look for the lookup among the new calls rather than at the last one.
    await production.fake.wait_for_call("users.info", after=before)
    assert len(production.fake.responses) == 2
    held.set()
    await responses(production.fake, 3)
    assert production.fake.responses[-1]["text"].startswith("Score ")


@pytest.fixture
async def socket_bot(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """Socket Mode against the fake's websocket."""
    bot = await start_bot(ctx, fake_slack, config_for(fake_slack, http=False, signing_secret=""))
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()


async def test_socket_mode_runs_commands(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    (opened,) = fake.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    command = {
        "command": "/scale",
        "text": "help",
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "user_id": ALICE,
        "trigger_id": "t1",
        "response_url": fake.response_url("socket"),
    }
    await fake.send_envelope("slash_commands", command, "env-1")
    ack = await fake.wait_for_ack("env-1")
    assert ack["envelope_id"] == "env-1"
    await responses(fake, 1)
    assert "/scale today" in fake.responses[-1]["text"]
    assert socket_bot.adapter.address is None


async def test_a_rejected_bot_token_stops_start_up(ctx: AppContext, fake_slack: FakeSlack) -> None:
    fake_slack.fail("auth.test", "invalid_auth")
    adapter = SlackAdapter(config_for(fake_slack), SharedBudgets(ctx.db))
    with pytest.raises(SettingsError, match=r"^SCALEBOT_SLACK_BOT_TOKEN: .*invalid_auth"):
        await adapter.start()


async def test_a_rejected_app_token_stops_start_up(ctx: AppContext, fake_slack: FakeSlack) -> None:
    fake_slack.fail("apps.connections.open", "invalid_auth")
    adapter = SlackAdapter(config_for(fake_slack, http=False), SharedBudgets(ctx.db))
    with pytest.raises(SettingsError, match=r"^SCALEBOT_SLACK_APP_TOKEN: .*invalid_auth"):
        await adapter.start()


async def test_a_busy_port_stops_start_up(ctx: AppContext, fake_slack: FakeSlack) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        adapter = SlackAdapter(config_for(fake_slack, port=port), SharedBudgets(ctx.db))
        with pytest.raises(SettingsError, match=r"^SCALEBOT_SLACK_PORT: cannot listen"):
            await adapter.start()


async def test_the_bootstrap_builds_the_slack_adapter_from_settings(
    ctx: AppContext, fake_slack: FakeSlack
) -> None:
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        admin_ids="U1,U2",
    )
    adapter = create_adapter("slack", settings, database=ctx.db, clock=utc_now)
    assert isinstance(adapter, SlackAdapter)
    assert adapter.name == "slack"
    assert adapter.config.api_url == fake_slack.api_url
    assert not adapter.config.http
    assert adapter.config.admin_ids == {"U1", "U2"}
