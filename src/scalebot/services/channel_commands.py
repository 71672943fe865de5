"""The admin commands that fit rounds to a community: topics, difficulty, skipped dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalebot.domain.replies import Reply, error
from scalebot.services import digests, filters, pings, seasons, skips
from scalebot.services.context import AppContext

if TYPE_CHECKING:
    from scalebot.services.commands import Invocation


async def admin_topics(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Show or set the topics the channel's rounds ask."""
    items = filters.parse_items(args)
    if not items:
        return await filters.show_filter(ctx, channel=inv.channel, t=inv.t)
    return await filters.set_filter(ctx, channel=inv.channel, topics=items, t=inv.t)


async def admin_difficulty(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Show or set the difficulties the channel's rounds ask."""
    items = filters.parse_items(args)
    if not items:
        return await filters.show_filter(ctx, channel=inv.channel, t=inv.t)
    return await filters.set_filter(ctx, channel=inv.channel, difficulties=items, t=inv.t)


async def admin_skip(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Skip a date, or list the skipped ones."""
    if len(args) != 1:
        return error(inv.t(skips.SKIP_USAGE))
    if args[0].lower() == "list":
        return await skips.list_skips(ctx, channel=inv.channel, now=inv.now, t=inv.t)
    return await skips.skip_date(
        ctx, channel=inv.channel, admin=inv.user, text=args[0], now=inv.now, t=inv.t
    )


async def admin_unskip(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Post on a skipped date after all."""
    if len(args) != 1:
        return error(inv.t(skips.SKIP_USAGE))
    return await skips.unskip_date(ctx, channel=inv.channel, text=args[0], t=inv.t)


async def admin_season(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Start a points season, or show the running one."""
    if not args:
        return await seasons.show_season(ctx, channel=inv.channel, t=inv.t)
    if args[0].lower() != "start":
        return error(inv.t(seasons.SEASON_USAGE))
    # The name is free text: take it as typed, after "season start".
    name = rest.strip().split(maxsplit=2)[2] if len(rest.split()) > 2 else ""
    return await seasons.start_season(ctx, channel=inv.channel, name=name, now=inv.now, t=inv.t)


async def admin_digest(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Turn the weekly digest on or off."""
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        return error(inv.t(digests.DIGEST_USAGE))
    enabled = args[0].lower() == "on"
    return await digests.set_digest(ctx, channel=inv.channel, enabled=enabled, t=inv.t)


async def admin_ping(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    """Show, set or turn off the role or user group each daily post pings."""
    return await pings.admin_ping(ctx, channel=inv.channel, args=args, t=inv.t)
