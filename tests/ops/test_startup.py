"""Start-up failures a person can act on: every missing token at once, Slack unreachable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scalebot.cli import app
from tests.platforms.processes import free_port
from tests.platforms.slack.fake_slack import APP_TOKEN, BOT_TOKEN

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SCALEBOT_* variables or .env file from the developer's machine."""
    for name in list(os.environ):
        if name.startswith("SCALEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_all_missing_tokens_are_reported_together_before_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    monkeypatch.setenv("SCALEBOT_DATABASE_URL", unreachable)
    result = runner.invoke(app, ["run", "all"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == [
        "SCALEBOT_SLACK_APP_TOKEN",
        "SCALEBOT_SLACK_BOT_TOKEN",
        "SCALEBOT_DISCORD_TOKEN",
    ]
    assert "DATABASE_URL" not in result.output


def test_socket_mode_with_slack_unreachable_prints_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = f"http://127.0.0.1:{free_port()}/api/"
    monkeypatch.setenv("SCALEBOT_SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SCALEBOT_SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SCALEBOT_SLACK_API_URL", api)
    monkeypatch.setenv("SCALEBOT_LOG_LEVEL", "ERROR")
    result = runner.invoke(app, ["run", "slack"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"error: SCALEBOT_SLACK_API_URL: cannot reach {api} (")
    assert "Traceback" not in result.output
