"""Discord adapter: slash commands, the answer form, daily posts with threads (discord.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scalebot.domain.clock import Clock
    from scalebot.platforms.discord.adapter import DiscordAdapter
    from scalebot.services.budgets import SharedBudgets
    from scalebot.settings import Settings


def create_adapter(settings: Settings, *, budgets: SharedBudgets, clock: Clock) -> DiscordAdapter:
    """Build the Discord adapter from settings; a missing token stops start-up."""
    from scalebot.platforms.discord.adapter import DiscordAdapter
    from scalebot.platforms.discord.config import DiscordConfig

    return DiscordAdapter(DiscordConfig.from_settings(settings), budgets, clock=clock)
