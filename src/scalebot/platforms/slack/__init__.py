"""Slack adapter: slack-bolt's AsyncApp in Socket Mode or HTTP mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scalebot.platforms.slack.adapter import SlackAdapter
    from scalebot.services.context import AppContext
    from scalebot.settings import Settings


def create_adapter(ctx: AppContext, settings: Settings) -> SlackAdapter:
    """Check the Slack settings and build the adapter (it connects in start())."""
    from scalebot.platforms.slack.adapter import SlackAdapter
    from scalebot.platforms.slack.config import slack_config

    return SlackAdapter(ctx, slack_config(settings))
