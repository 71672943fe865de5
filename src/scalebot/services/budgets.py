"""Request budgets every process of the bot shares (Discord's global limit, Slack workspaces)."""

from __future__ import annotations

from scalebot.services.context import AppContext


async def reserve_slots(
    ctx: AppContext, *, bucket: str, count: int, interval: float, wait: float = 0.0
) -> float:
    """Reserve request slots in a shared bucket; return the seconds until the first one."""
    async with ctx.writing() as repo:
        return await repo.reserve_slots(bucket=bucket, count=count, interval=interval, wait=wait)
