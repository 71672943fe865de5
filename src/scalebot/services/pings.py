"""The role or user group a channel's daily post pings (`admin ping @role|off`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalebot.domain.pings import PingProblem, parse_ping
from scalebot.domain.replies import Reply, info
from scalebot.locales import Message, Translator, _
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError

if TYPE_CHECKING:
    from scalebot.domain.refs import ChannelRef

PING_USAGE = _("Usage: /scale admin ping @role (a user group on Slack), or /scale admin ping off")
EVERYONE = _(
    "scalebot never pings everyone (@everyone, @here, @channel): name a role or user group "
    "instead, e.g. /scale admin ping @reviewers."
)
MEMBER = _(
    "That is a member, not a role or user group: name the group the daily post should ping, "
    "or turn the ping off with /scale admin ping off."
)
# A pasted text is quoted back this long at most.
SHOWN_CHARS = 40


def target_text(platform: str, ping: str) -> Message:
    """How a private reply names the ping (never as a mention: it would ping)."""
    if platform == "slack":
        return _("the user group {id}", id=ping)
    if platform == "discord":
        return _("the role {id}", id=ping)
    return _("the role @{name}", name=ping)


def _refusal(platform: str, text: str, problem: PingProblem) -> Message:
    """The one-line reason a text cannot be the ping."""
    if problem is PingProblem.EVERYONE:
        return EVERYONE
    if problem is PingProblem.MEMBER:
        return MEMBER
    shown = text.strip() if len(text.strip()) <= SHOWN_CHARS else text.strip()[:SHOWN_CHARS] + "…"
    if platform == "slack":
        return _(
            "'{text}' is not a user group: pick the group from Slack's @ suggestions so it "
            "arrives as a mention.",
            text=shown,
        )
    if platform == "discord":
        return _(
            "'{text}' is not a role: pick one in the role option of /scale admin ping.", text=shown
        )
    return _("'{text}' is not a role: write it as @name.", text=shown)


async def admin_ping(
    ctx: AppContext, *, channel: ChannelRef, target: str | None, t: Translator
) -> Reply:
    """Show (no target), set or turn off (`off`) the channel's ping."""
    if target is None:
        async with ctx.reading() as repo:
            row = await require_channel(repo, channel)
        if row.ping is None:
            return info(t(_("Daily posts here ping nobody: /scale admin ping @role sets one.")))
        return info(
            t(_("Daily posts here ping {target}.", target=target_text(channel.platform, row.ping)))
        )
    if target.lower() == "off":
        await _store(ctx, channel, None)
        return info(t(_("Daily posts here ping nobody now.")))
    found = parse_ping(channel.platform, target, workspace_id=channel.workspace_id)
    if isinstance(found, PingProblem):
        raise UserError(_refusal(channel.platform, target, found))
    await _store(ctx, channel, found)
    return info(
        t(
            _(
                "Each daily post here now pings {target}.",
                target=target_text(channel.platform, found),
            )
        ),
        t(_("Nobody else is pinged: not @everyone, @here or members.")),
    )


async def _store(ctx: AppContext, channel: ChannelRef, ping: str | None) -> None:
    """Keep the channel's ping (None: none)."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        row.ping = ping


async def ping_note(ctx: AppContext, *, channel: ChannelRef, t: Translator) -> str | None:
    """A line for `admin setup` naming the channel's ping, or None without one."""
    async with ctx.reading() as repo:
        row = await repo.find_channel(channel)
    if row is None or row.ping is None:
        return None
    return t(_("Each post pings {target}.", target=target_text(channel.platform, row.ping)))
