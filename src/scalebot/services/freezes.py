"""Streak freezes: how members hear that one was spent, and the channel switch for admins.

A freeze is spent when the next round is posted (Repository.break_missed_streaks), in a fan-out
that may touch every member of a channel. Rather than a burst of direct messages there, the
member is told on their next private reply from the bot in that channel, on every platform.
"""

from __future__ import annotations

from dataclasses import replace

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.domain.streaks import FREEZE_EVERY, MAX_FREEZES
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext

NOTICE = "Streak freeze"


def notice_text(spent: int, held: int) -> str:
    """What a member reads after freezes kept their streak alive."""
    rounds = "a round" if spent == 1 else f"{spent} rounds"
    used = "A streak freeze" if spent == 1 else f"{spent} streak freezes"
    left = f"{held} freeze{'s' if held != 1 else ''} left"
    return f"❄️ You missed {rounds}: {used} kept your streak alive. {left}."


def with_notice(reply: Reply, spent: int, held: int) -> Reply:
    """Add the freeze notice to a private reply (public replies are left alone)."""
    if not spent or not reply.private:
        return reply
    return replace(reply, fields=(*reply.fields, Field(NOTICE, notice_text(spent, held))))


def holdings_text(*, held: int, current: int, enabled: bool) -> str:
    """The freeze line of /scale streak."""
    if not enabled:
        return f"Off in this channel ({held} held, kept for when they are back on)."
    if held >= MAX_FREEZES:
        return f"{held} of {MAX_FREEZES}: a missed round spends one instead of your streak."
    to_next = FREEZE_EVERY - current % FREEZE_EVERY
    return (
        f"{held} of {MAX_FREEZES}: one more after {to_next} more round"
        f"{'s' if to_next != 1 else ''} in a row."
    )


async def take_notice(ctx: AppContext, *, channel: ChannelRef, user: UserRef) -> tuple[int, int]:
    """Freezes spent that the member was not told of yet, and those held; marks them told."""
    async with ctx.reading() as repo:
        row = await repo.find_channel(channel)
        member = (
            await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
            if row is not None
            else None
        )
        if row is None or member is None:
            return 0, 0
        streak = await repo.get_streak(channel_id=row.id, user_id=member.id)
        if streak is None or not streak.freezes_unseen:
            return 0, 0
        channel_id, user_id = row.id, member.id
    async with ctx.writing() as repo:
        return await repo.take_freeze_notice(channel_id=channel_id, user_id=user_id)


async def set_freezes(ctx: AppContext, *, channel: ChannelRef, enabled: bool) -> None:
    """Turn streak freezes on or off in a channel."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        row.freezes_enabled = enabled
