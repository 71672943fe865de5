"""Discord settings: validated with one clear line each, a token required to start."""

from __future__ import annotations

import discord
import pytest

from scalebot.domain.clock import utc_now
from scalebot.platforms.discord import create_adapter
from scalebot.platforms.discord.config import MISSING_TOKEN, DiscordConfig
from scalebot.platforms.discord.pacing import PACED_PER_SECOND
from scalebot.platforms.discord.settings import DISCORD_API_URL
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from scalebot.settings import SettingsError, load_settings
from tests.platforms.discord.fake_discord import TOKEN


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"discord_token": "Bot " + TOKEN}, "SCALEBOT_DISCORD_TOKEN: remove the 'Bot ' prefix"),
        (
            {"discord_token": "not a token"},
            "SCALEBOT_DISCORD_TOKEN: does not look like a bot token",
        ),
        (
            {"discord_api_url": "discord.com/api"},
            "SCALEBOT_DISCORD_API_URL: 'discord.com/api' is not an http(s)",
        ),
        (
            {"discord_gateway_url": "https://x"},
            "SCALEBOT_DISCORD_GATEWAY_URL: 'https://x' is not a ws(s)",
        ),
        (
            {"discord_shard_count": "0"},
            "SCALEBOT_DISCORD_SHARD_COUNT: '0' is not a number of shards",
        ),
        ({"discord_shard_count": "two"}, "SCALEBOT_DISCORD_SHARD_COUNT: 'two' is not a number"),
        (
            {"discord_shard_ids": "0"},
            "SCALEBOT_DISCORD_SHARD_IDS: set SCALEBOT_DISCORD_SHARD_COUNT too",
        ),
        (
            {"discord_shard_count": "2", "discord_shard_ids": "2"},
            "SCALEBOT_DISCORD_SHARD_IDS: use distinct ids from 0 to 1",
        ),
        (
            {"discord_shard_count": "2", "discord_shard_ids": "1,1"},
            "SCALEBOT_DISCORD_SHARD_IDS: use distinct ids",
        ),
        (
            {"discord_shard_count": "2", "discord_shard_ids": "x"},
            "SCALEBOT_DISCORD_SHARD_IDS: 'x' is not a shard id",
        ),
        ({"discord_thread_answers": "perhaps"}, "SCALEBOT_DISCORD_THREAD_ANSWERS:"),
    ],
)
def test_bad_values_stop_with_one_line_naming_the_setting(
    values: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**values)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_the_token_is_never_shown() -> None:
    settings = load_settings(discord_token=TOKEN)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())
    assert TOKEN not in repr(DiscordConfig.from_settings(settings))


def test_good_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("SCALEBOT_DISCORD_API_URL", "http://127.0.0.1:9999/api/v10/")
    monkeypatch.setenv("SCALEBOT_DISCORD_GATEWAY_URL", "ws://127.0.0.1:9999/")
    monkeypatch.setenv("SCALEBOT_DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("SCALEBOT_DISCORD_SHARD_IDS", "1, 3")
    monkeypatch.setenv("SCALEBOT_DISCORD_THREAD_ANSWERS", "true")
    monkeypatch.setenv("SCALEBOT_ADMIN_IDS", "42")
    config = DiscordConfig.from_settings(load_settings())
    assert config == DiscordConfig(
        token=TOKEN,
        api_url="http://127.0.0.1:9999/api/v10",
        gateway_url="ws://127.0.0.1:9999/",
        shard_count=4,
        shard_ids=(1, 3),
        thread_answers=True,
        admin_ids=frozenset({"42"}),
    )


def test_defaults_use_discord_itself() -> None:
    settings = load_settings(discord_token=TOKEN)
    assert settings.discord.api_url == DISCORD_API_URL
    assert settings.discord.gateway_url == ""
    assert settings.discord.shard_count is None
    assert not settings.discord.thread_answers


def test_a_missing_token_stops_start_up(ctx: AppContext) -> None:
    with pytest.raises(SettingsError) as caught:
        create_adapter(
            load_settings(discord_token=""), budgets=SharedBudgets(ctx.db), clock=utc_now
        )
    assert str(caught.value) == MISSING_TOKEN


def test_endpoints_point_discord_py_at_the_configured_urls(endpoints: None) -> None:
    config = DiscordConfig(TOKEN, "http://127.0.0.1:1/api/v10", "ws://127.0.0.1:1/")
    config.use_endpoints()
    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:1/"


def test_the_client_uses_default_intents_no_mentions_and_its_shards(ctx: AppContext) -> None:
    settings = load_settings(discord_token=TOKEN, discord_shard_count="4", discord_shard_ids="2,3")
    client = create_adapter(settings, budgets=SharedBudgets(ctx.db), clock=utc_now).client
    assert client.intents == discord.Intents.default()
    assert not client.intents.message_content
    assert client.allowed_mentions is not None
    mentions = client.allowed_mentions.to_dict()
    assert (list(mentions), mentions.get("parse")) == (["parse"], [])
    assert (client.shard_count, client.shard_ids) == (4, [2, 3])
    # Every process paces against the one budget in the database: no per-shard share.
    assert client.messenger.pacer.interval == pytest.approx(1 / PACED_PER_SECOND)


def test_thread_answers_ask_for_the_message_content_intent(ctx: AppContext) -> None:
    settings = load_settings(discord_token=TOKEN, discord_thread_answers="true")
    assert create_adapter(
        settings, budgets=SharedBudgets(ctx.db), clock=utc_now
    ).client.intents.message_content
