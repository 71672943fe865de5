"""Settings per area (Slack, Discord, LLM) composed into one root, under the same names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scalebot.settings import SettingsError, load_settings

DISCORD_TOKEN = "MTIz.NDU2.Nzg5"


def test_each_area_reads_its_own_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SCALEBOT_SLACK_PORT", "3111")
    monkeypatch.setenv("SCALEBOT_DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setenv("SCALEBOT_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SCALEBOT_LLM_MODEL", "tiny")
    monkeypatch.setenv("SCALEBOT_ADMIN_IDS", "U1,U2")
    settings = load_settings()
    assert settings.slack.bot_token.get_secret_value() == "xoxb-1"
    assert settings.slack.port == 3111
    assert settings.discord.token.get_secret_value() == DISCORD_TOKEN
    assert (settings.llm.url, settings.llm.model) == ("http://127.0.0.1:9/v1", "tiny")
    assert settings.admin_ids == ["U1", "U2"]


def test_flat_overrides_reach_their_area() -> None:
    settings = load_settings(slack_port="3222", discord_thread_answers="true", llm_timeout="2")
    assert (settings.slack.port, settings.discord.thread_answers) == (3222, True)
    assert settings.llm.timeout == 2.0


def test_a_root_error_is_reported_before_an_area_error() -> None:
    with pytest.raises(SettingsError, match=r"^SCALEBOT_TIMEZONE: "):
        load_settings(timezone="Mars/Olympus", slack_port="70000")
    with pytest.raises(SettingsError, match=r"^SCALEBOT_SLACK_PORT: "):
        load_settings(slack_port="70000")


def test_importing_settings_loads_no_database_or_platform_library() -> None:
    heavy = ("sqlalchemy", "slack_sdk", "slack_bolt", "discord", "aiohttp", "apscheduler")
    probe = (
        "import sys, scalebot.settings; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def _setting_names() -> set[str]:
    """Every SCALEBOT_* variable the settings read."""
    from pydantic_settings import BaseSettings

    from scalebot.settings import Settings

    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseSettings):
            prefix = str(kind.model_config.get("env_prefix", ""))
            names.update(prefix + sub.upper() for sub in kind.model_fields)
        else:
            names.add("SCALEBOT_" + name.upper())
    return names


def test_env_example_lists_every_setting_and_only_real_ones() -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?(SCALEBOT_[A-Z_]+)=", text, flags=re.MULTILINE))
    assert listed == _setting_names()
    assert not re.search(r"^SCALEBOT_\w+=\S", text, flags=re.MULTILINE)  # no values set


def test_levels_and_zones_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_LOG_LEVEL", "debug")
    monkeypatch.setenv("SCALEBOT_TIMEZONE", "utc")
    settings = load_settings()
    assert (settings.log_level, settings.timezone) == ("DEBUG", "UTC")
    monkeypatch.setenv("SCALEBOT_TIMEZONE", "america/new_york")
    assert load_settings().timezone == "America/New_York"
