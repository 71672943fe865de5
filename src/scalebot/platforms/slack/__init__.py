"""Slack adapter: slack-bolt's AsyncApp in Socket Mode or HTTP mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from scalebot.domain.clock import Clock
    from scalebot.platforms.slack.adapter import SlackAdapter
    from scalebot.services.budgets import SharedBudgets
    from scalebot.settings import Settings


def create_adapter(
    settings: Settings, *, budgets: SharedBudgets, engine: AsyncEngine, clock: Clock
) -> SlackAdapter:
    """Check the Slack settings and build the adapter (bind() it, then start() connects)."""
    from scalebot.platforms.slack.adapter import SlackAdapter
    from scalebot.platforms.slack.config import slack_config

    return SlackAdapter(slack_config(settings), budgets, engine=engine, clock=clock)
