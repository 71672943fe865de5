"""Slack settings: malformed or missing values stop start-up with one line naming the setting."""

from __future__ import annotations

import pytest

from scalebot.platforms.slack.config import slack_config
from scalebot.settings import SettingsError, load_settings
from tests.platforms.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "abcdef0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """No SCALEBOT_* variables or .env file from the developer's machine."""
    import os

    for name in list(os.environ):
        if name.startswith("SCALEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(str(tmp_path))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("slack_bot_token", "xoxp-user-token", "a Slack bot token starts with xoxb-"),
        ("slack_app_token", "xoxb-bot-token", "a Slack app-level token starts with xapp-"),
        ("slack_signing_secret", "not-a-secret", "does not look like a Slack secret"),
        ("slack_client_secret", "short", "does not look like a Slack secret"),
        ("slack_client_id", "my-app", "is not a Slack client id"),
        ("slack_api_url", "slack.com/api", "is not an http(s):// URL"),
        ("slack_api_url", "ftp://slack.com/api/", "is not an http(s):// URL"),
        ("slack_port", "70000", "less than or equal to 65535"),
    ],
)
def test_malformed_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"SCALEBOT_{setting.upper()}", value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    line = str(raised.value)
    assert line.startswith(f"SCALEBOT_{setting.upper()}: ")
    assert message in line
    assert "\n" not in line


def test_secrets_never_show_in_reprs_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SCALEBOT_SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SCALEBOT_SLACK_APP_TOKEN", APP_TOKEN)
    settings = load_settings()
    config = slack_config(settings)
    for shown in (repr(settings), str(settings), repr(config)):
        assert BOT_TOKEN not in shown
        assert SIGNING_SECRET not in shown
        assert APP_TOKEN not in shown
    monkeypatch.setenv("SCALEBOT_SLACK_BOT_TOKEN", "xoxp-secret-user-token")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "xoxp-secret-user-token" not in str(raised.value)


def test_api_url_keeps_the_trailing_slash_the_sdk_needs() -> None:
    assert load_settings(slack_api_url="http://127.0.0.1:9/api").slack.api_url == (
        "http://127.0.0.1:9/api/"
    )
    assert load_settings().slack.api_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"slack_bot_token": BOT_TOKEN}, "SCALEBOT_SLACK_APP_TOKEN: required for Socket Mode"),
        ({"slack_app_token": APP_TOKEN}, "SCALEBOT_SLACK_BOT_TOKEN: required"),
        (
            {"slack_app_token": APP_TOKEN, "slack_client_id": CLIENT_ID},
            "SCALEBOT_SLACK_CLIENT_SECRET: required with SCALEBOT_SLACK_CLIENT_ID",
        ),
        (
            {"slack_app_token": APP_TOKEN, "slack_client_secret": CLIENT_SECRET},
            "SCALEBOT_SLACK_CLIENT_ID: required with SCALEBOT_SLACK_CLIENT_SECRET",
        ),
        (
            {
                "slack_app_token": APP_TOKEN,
                "slack_client_id": CLIENT_ID,
                "slack_client_secret": CLIENT_SECRET,
            },
            "SCALEBOT_SLACK_CLIENT_ID: the multi-workspace install flow needs HTTP mode",
        ),
        ({"slack_http": True, "slack_bot_token": BOT_TOKEN}, "SCALEBOT_SLACK_SIGNING_SECRET"),
        ({"slack_http": True, "slack_signing_secret": SIGNING_SECRET}, "SCALEBOT_SLACK_BOT_TOKEN"),
    ],
)
def test_missing_settings_for_the_mode(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match="^" + message.replace("(", r"\(")):
        slack_config(load_settings(**values))


def test_socket_mode_with_tokens() -> None:
    config = slack_config(load_settings(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN))
    assert (config.http, config.oauth, config.bot_token) == (False, False, BOT_TOKEN)


def test_http_mode_with_the_install_flow_needs_no_bot_token() -> None:
    settings = load_settings(
        slack_http=True,
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    config = slack_config(settings)
    assert config.oauth
    assert config.bot_token is None
    assert (config.host, config.port) == ("0.0.0.0", 3000)
