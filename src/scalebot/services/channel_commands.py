"""The admin commands that fit rounds to a community: topics, difficulty, skipped dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalebot.domain.replies import Reply
from scalebot.services import digests, filters, pings, seasons, skips
from scalebot.services.context import AppContext

if TYPE_CHECKING:
    from scalebot.services.commands import Invocation


async def admin_topics(ctx: AppContext, inv: Invocation, *, topics: str | None = None) -> Reply:
    """Show or set the topics the channel's rounds ask."""
    items = filters.parse_items([topics] if topics else [])
    if not items:
        return await filters.show_filter(ctx, channel=inv.channel, t=inv.t)
    return await filters.set_filter(ctx, channel=inv.channel, topics=items, t=inv.t)


async def admin_difficulty(ctx: AppContext, inv: Invocation, *, levels: str | None = None) -> Reply:
    """Show or set the difficulties the channel's rounds ask."""
    items = filters.parse_items([levels] if levels else [])
    if not items:
        return await filters.show_filter(ctx, channel=inv.channel, t=inv.t)
    return await filters.set_filter(ctx, channel=inv.channel, difficulties=items, t=inv.t)


async def admin_skip(ctx: AppContext, inv: Invocation, *, date: str) -> Reply:
    """Skip a date, or list the skipped ones."""
    if date.lower() == "list":
        return await skips.list_skips(ctx, channel=inv.channel, now=inv.now, t=inv.t)
    return await skips.skip_date(
        ctx, channel=inv.channel, admin=inv.user, text=date, now=inv.now, t=inv.t
    )


async def admin_unskip(ctx: AppContext, inv: Invocation, *, date: str) -> Reply:
    """Post on a skipped date after all."""
    return await skips.unskip_date(ctx, channel=inv.channel, text=date, t=inv.t)


async def admin_season(ctx: AppContext, inv: Invocation, *, start: str | None = None) -> Reply:
    """Start a points season named `start`, or show the running one."""
    if start is None:
        return await seasons.show_season(ctx, channel=inv.channel, t=inv.t)
    return await seasons.start_season(
        ctx, channel=inv.channel, name=start.strip(), now=inv.now, t=inv.t
    )


async def admin_digest(ctx: AppContext, inv: Invocation, *, state: str) -> Reply:
    """Turn the weekly digest on or off."""
    return await digests.set_digest(ctx, channel=inv.channel, enabled=state == "on", t=inv.t)


async def admin_ping(ctx: AppContext, inv: Invocation, *, target: str | None = None) -> Reply:
    """Show, set or turn off the role or user group each daily post pings."""
    return await pings.admin_ping(ctx, channel=inv.channel, target=target, t=inv.t)
