"""Admins correct a member's streak, with a reason kept in an audit trail, and undo it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from scalebot.db.repository import Repository
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply, info
from scalebot.domain.streaks import StreakState
from scalebot.locales import ENGLISH, Translator, _
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError

USAGE = _(
    "Usage: /scale admin streak @member N reason, e.g. /scale admin streak @sam 12 bot outage."
)
MAX_STREAK = 10_000
MAX_REASON = 500
# <@U123>, <@U123|name> (Slack), <@123>, <@!123> (Discord); otherwise @name or a bare name.
_MENTION = re.compile(r"^<@!?([\w.-]+)(?:\|[^>]*)?>$")


def parse_count(text: str) -> int:
    """A streak typed as a whole number from 0 to MAX_STREAK."""
    if not text.isdecimal() or int(text) > MAX_STREAK:
        raise UserError(
            _(
                "'{count}' is not a streak: use a whole number from 0 to {most}.",
                count=text,
                most=MAX_STREAK,
            )
        )
    return int(text)


def check_correction(count: int, reason: str) -> str:
    """Refuse a streak out of range or a missing or over-long reason; return the reason."""
    parse_count(str(count))
    if not reason.strip():
        raise UserError(USAGE)
    if len(reason) > MAX_REASON:
        raise UserError(
            _(
                "The reason is {length} characters: keep it under {limit}.",
                length=len(reason),
                limit=MAX_REASON,
            )
        )
    return reason.strip()


async def _member(repo: Repository, workspace_id: int, token: str) -> tuple[int, str]:
    """Resolve a mention or a name to (user id, display name) among known members."""
    mention = _MENTION.match(token)
    name = mention.group(1) if mention else token.removeprefix("@")
    found = await repo.members_named(workspace_id=workspace_id, name=name)
    if mention:
        found = [user for user in found if user.external_id == name]
    if not found:
        raise UserError(_("No member '{name}' has used scalebot here: check the name.", name=token))
    if len(found) > 1:
        raise UserError(
            _("Several members are called '{name}': mention the one you mean.", name=token)
        )
    return found[0].id, found[0].display_name


async def correct_streak(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    admin: UserRef,
    member: str,
    count: int,
    reason: str,
    now: datetime,
    t: Translator = ENGLISH,
) -> Reply:
    """Set `member` (a mention or a name)'s streak, recording who, when, why and what it was."""
    reason = check_correction(count, reason)
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        user_id, name = await _member(repo, row.workspace_id, member)
        streak = await repo.ensure_streak(channel_id=row.id, user_id=user_id, now=now)
        before = StreakState(streak.current, streak.longest, streak.last_round_seq)
        after = before.corrected(count, row.round_count)
        _store(streak, after, now)
        await repo.add_correction(
            channel_id=row.id,
            user_id=user_id,
            admin_id=admin.user_id,
            admin_name=admin.display_name,
            reason=reason,
            old_current=before.current,
            new_current=after.current,
            old_longest=before.longest,
            new_longest=after.longest,
            old_last_round_seq=before.last_round_seq,
            new_last_round_seq=after.last_round_seq,
            created_at=now,
        )
    return info(
        t(
            _(
                "{name}'s streak is now {current} (was {before}).",
                name=name,
                current=after.current,
                before=before.current,
            )
        ),
        t(_("Recorded with your reason: {reason}. /scale admin undo reverts it.", reason=reason)),
    )


async def undo_correction(
    ctx: AppContext, *, channel: ChannelRef, admin: UserRef, now: datetime, t: Translator = ENGLISH
) -> Reply:
    """Revert the channel's newest correction not yet undone; the audit row is kept."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        correction = await repo.last_correction(channel_id=row.id)
        if correction is None:
            raise UserError(_("There is no streak correction to undo in this channel."))
        streak = await repo.ensure_streak(channel_id=row.id, user_id=correction.user_id, now=now)
        before = StreakState(
            correction.old_current, correction.old_longest, correction.old_last_round_seq
        )
        after = StreakState(
            correction.new_current, correction.new_longest, correction.new_last_round_seq
        )
        now_state = StreakState(streak.current, streak.longest, streak.last_round_seq)
        reverted = now_state.undo(before, after)
        _store(streak, reverted, now)
        correction.undone_at, correction.undone_by = now, admin.user_id
        user = await repo.get_user(user_id=correction.user_id)
        name = user.display_name if user else t(_("the member"))
    return info(
        t(
            _(
                "Undid the correction of {name}'s streak: it is {current} again.",
                name=name,
                current=reverted.current,
            )
        ),
        t(
            _(
                "That correction ({old} → {new}, by {admin}: {reason}) stays in the audit trail.",
                old=correction.old_current,
                new=correction.new_current,
                admin=correction.admin_name,
                reason=correction.reason,
            )
        ),
    )


def _store(streak: Any, state: StreakState, now: datetime) -> None:
    """Write a streak state onto the member's row."""
    if state.longest > streak.longest:
        streak.longest_at = now
    if state.current != streak.current:
        streak.reached_at = now
    streak.current, streak.longest = state.current, state.longest
    streak.last_round_seq = state.last_round_seq


async def corrections_export(repo: Repository, *, user_id: int) -> list[dict[str, Any]]:
    """A member's streak corrections as export-me shows them."""
    return [
        {
            "at": c.created_at.isoformat(),
            "by": c.admin_name,
            "reason": c.reason,
            "old_streak": c.old_current,
            "new_streak": c.new_current,
            "old_longest": c.old_longest,
            "new_longest": c.new_longest,
            "undone_at": c.undone_at.isoformat() if c.undone_at else None,
        }
        for c in await repo.corrections_of(user_id=user_id)
    ]
