"""Platform event ids already handled, so a retried delivery changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from scalebot.services.context import AppContext

KEEP_EVENTS_FOR = timedelta(days=2)


async def first_delivery(ctx: AppContext, *, platform: str, event_id: str, now: datetime) -> bool:
    """Record an event id; return False when it was seen before (a retry)."""
    async with ctx.writing() as repo:
        return await repo.record_event(platform=platform, event_id=event_id, now=now)


async def handled(ctx: AppContext, *, platform: str, event_id: str) -> bool:
    """Tell whether an event was already handled (recorded by first_delivery)."""
    async with ctx.reading() as repo:
        return await repo.event_recorded(platform=platform, event_id=event_id)


async def prune_events(ctx: AppContext, *, now: datetime) -> int:
    """Forget event ids older than any platform retries."""
    async with ctx.writing() as repo:
        return await repo.forget_events_before(cutoff=now - KEEP_EVENTS_FOR)
