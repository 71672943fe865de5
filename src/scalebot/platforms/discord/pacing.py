"""Discord's global limit as one budget for every process of the bot, with headroom."""

from __future__ import annotations

from scalebot.platforms.pacing import SharedPacer, shared_budget
from scalebot.services.budgets import SharedBudgets

# Discord allows 50 requests/s per bot token across all its processes. Every request the bot
# makes outside interaction responses (which Discord does not count) goes through this pacer;
# the 2/s left over covers what discord.py sends on its own (login, gateway lookups).
GLOBAL_LIMIT_PER_SECOND = 50
PACED_PER_SECOND = 48.0
BUCKET = "discord:global"


def discord_pacer(budgets: SharedBudgets, per_second: float = PACED_PER_SECOND) -> SharedPacer:
    """The pacer of this bot token, shared through the database with its other processes."""
    budget = shared_budget(budgets, BUCKET, 1.0 / per_second)
    return SharedPacer(per_second, budget, platform="discord")
