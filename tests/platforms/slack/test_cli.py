"""`scalebot slack manifest` and `scalebot run slack --http --host --port`, as a user runs them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from scalebot.cli import app
from scalebot.platforms.slack.manifest import BOT_SCOPES
from tests.platforms.processes import free_port, wait_healthy
from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, form, sign

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SCALEBOT_* variables or .env file from the developer's machine."""
    for name in list(os.environ):
        if name.startswith("SCALEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_socket_mode_manifest() -> None:
    result = runner.invoke(app, ["slack", "manifest"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["slash_commands"][0]["command"] == "/scale"
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "message.channels",
        "message.groups",
    ]


def test_http_manifest_points_everything_at_slack_events() -> None:
    result = runner.invoke(app, ["slack", "manifest", "--url", "https://bot.example.com/"])
    manifest = json.loads(result.output)
    events = "https://bot.example.com/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["features"]["slash_commands"][0]["url"] == events
    assert manifest["settings"]["interactivity"]["request_url"] == events
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://bot.example.com/slack/oauth_redirect"
    ]


def test_manifest_without_thread_answers_subscribes_to_no_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCALEBOT_SLACK_THREAD_ANSWERS", "false")
    manifest = json.loads(runner.invoke(app, ["slack", "manifest"]).output)
    assert "event_subscriptions" not in manifest["settings"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["slack", "manifest", "--url", "http://bot.example.com"], "is not an https:// URL"),
        (["slack", "manifest", "--name", "x" * 36], "1 to 35 characters"),
        (["run", "discord", "--http"], "apply to Slack"),
        (["run", "slack", "--port", "3001"], "add --http"),
    ],
)
def test_bad_options_get_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_run_slack_without_tokens_names_the_setting() -> None:
    result = runner.invoke(app, ["run", "slack"])
    assert result.exit_code == 2
    assert "SCALEBOT_SLACK_APP_TOKEN: required for Socket Mode" in result.output


async def test_run_slack_http_serves_signed_commands(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")},
        "SCALEBOT_DATA_DIR": str(tmp_path / "data"),
        "SCALEBOT_SLACK_BOT_TOKEN": BOT_TOKEN,
        "SCALEBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SCALEBOT_SLACK_RESPONSE_HOSTS": "127.0.0.1",
        "SCALEBOT_SLACK_API_URL": fake.api_url,
        "SCALEBOT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "scalebot", "run", "slack", "--http"]
    bot = await asyncio.create_subprocess_exec(
        *command, "--host", "127.0.0.1", "--port", str(port), env=env, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(f"{base}/healthz", bot)
            body = form(
                command="/scale",
                text="help",
                team_id=TEAM,
                channel_id="C1",
                user_id="U1",
                trigger_id="t",
                response_url=fake.response_url("cli"),
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as r:
                assert r.status == 200
            await fake.wait_for_responses(1)
        assert "/scale today" in fake.responses[0]["text"]
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), timeout=30)
        await fake.close()
