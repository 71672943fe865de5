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
from scalebot.locales import Message, Translator, _, n_
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext

NOTICE = _("Streak freeze")


def notice_text(spent: int, held: int) -> Message:
    """What a member reads after freezes kept their streak alive."""
    left = n_("{count} freeze left", "{count} freezes left", held, count=held)
    if spent == 1:
        return _("❄️ You missed a round: A streak freeze kept your streak alive. {left}.", left=left)
    return _(
        "❄️ You missed {count} rounds: {count} streak freezes kept your streak alive. {left}.",
        count=spent,
        left=left,
    )


def with_notice(reply: Reply, spent: int, held: int, t: Translator) -> Reply:
    """Add the freeze notice to a private reply (public replies are left alone)."""
    if not spent or not reply.private:
        return reply
    notice = Field(t(NOTICE), t(notice_text(spent, held)))
    return replace(reply, fields=(*reply.fields, notice))


def holdings_text(*, held: int, current: int, enabled: bool) -> Message:
    """The freeze line of /scale streak."""
    if not enabled:
        return _("Off in this channel ({held} held, kept for when they are back on).", held=held)
    if held >= MAX_FREEZES:
        return _(
            "{held} of {most}: a missed round spends one instead of your streak.",
            held=held,
            most=MAX_FREEZES,
        )
    to_next = FREEZE_EVERY - current % FREEZE_EVERY
    return n_(
        "{held} of {most}: one more after {count} more round in a row.",
        "{held} of {most}: one more after {count} more rounds in a row.",
        to_next,
        held=held,
        most=MAX_FREEZES,
        count=to_next,
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
