"""Opt-in reminders: a private nudge before the open round closes, to keep a streak alive.

"Closes" is the next round's post time (a weekday schedule's Friday round closes on Monday; a
skipped date moves it on). A member who opted in (`/scale remind on`), holds a live streak of at
least MIN_STREAK and has not answered the open round gets one nudge per round, once the close is
less than `DeliveryPolicy.remind_before` away. The claim is one conditional UPDATE recording
the round on the member's reminder row before the message goes out: once across restarts and
processes (a process that dies between the claim and the send costs that nudge).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from scalebot.db.repository import Repository
from scalebot.domain.refs import ChannelRef
from scalebot.domain.reminders import MIN_STREAK, Nudged
from scalebot.domain.replies import Reply, info
from scalebot.domain.rounds import RoundStatus
from scalebot.domain.schedule import Schedule
from scalebot.locales import Translator, _, n_, translator
from scalebot.services.channels import channel_info, require_channel
from scalebot.services.context import AppContext
from scalebot.services.languages import stored_language

if TYPE_CHECKING:
    from scalebot.services.commands import Invocation

log = logging.getLogger(__name__)
REMIND_USAGE = _("Usage: /scale remind on|off")
# How far ahead a close is looked for past skipped dates.
SKIP_HORIZON = 60


async def remind_command(ctx: AppContext, inv: Invocation, *, state: str) -> Reply:
    """Turn the member's reminders in this channel on or off."""
    on = state == "on"
    async with ctx.writing() as repo:
        row = await require_channel(repo, inv.channel)
        member = await repo.upsert_user(
            workspace_id=row.workspace_id,
            external_id=inv.user.user_id,
            display_name=inv.user.display_name,
            now=inv.now,
        )
        await repo.reminders.set(channel_id=row.id, user_id=member.id, on=on, now=inv.now)
    if not on:
        return info(inv.t(_("Reminders are off here.")))
    hours = round(ctx.delivery.remind_before / timedelta(hours=1))
    return info(
        inv.t(_("Reminders are on here.")),
        inv.t(
            n_(
                "With a streak of {streak} or more, you get a private nudge {count} hour before "
                "the round closes if you have not answered it yet.",
                "With a streak of {streak} or more, you get a private nudge {count} hours before "
                "the round closes if you have not answered it yet.",
                hours,
                streak=MIN_STREAK,
                count=hours,
            )
        ),
    )


@dataclass(frozen=True)
class _Due:
    """A channel whose open round closes soon: where, which round, and when it closes."""

    ref: ChannelRef
    language: str | None
    round_id: int
    seq: int
    closes: datetime


async def send_due_reminders(ctx: AppContext, *, now: datetime) -> int:
    """Nudge every member due a reminder now; return how many nudges went out."""
    async with ctx.reading() as repo:
        channel_ids = await repo.reminders.channels()
    sent = 0
    for channel_id in channel_ids:
        try:
            sent += await _remind_channel(ctx, channel_id, now)
        except Exception:
            log.exception("reminders for channel %s failed; next try on the next pass", channel_id)
    return sent


async def _remind_channel(ctx: AppContext, channel_id: int, now: datetime) -> int:
    """Claim and send the nudges of one channel, when its open round closes soon."""
    async with ctx.reading() as repo:
        due = await _due(ctx, repo, channel_id, now)
    if due is None:
        return 0
    async with ctx.writing() as repo:
        claimed = await repo.reminders.claim(
            channel_id=channel_id, round_id=due.round_id, seq=due.seq, min_streak=MIN_STREAK
        )
    for member in claimed:
        await _nudge(ctx, due, member, now)
    return len(claimed)


async def _due(ctx: AppContext, repo: Repository, channel_id: int, now: datetime) -> _Due | None:
    """The channel's open round when its close is within `remind_before`, else None."""
    found = await repo.channel_with_workspace(channel_id=channel_id)
    if found is None:
        return None
    info_ = channel_info(*found)
    round_ = await repo.latest_posted_round(channel_id=channel_id)
    if round_ is None or round_.seq is None or round_.status != RoundStatus.POSTED:
        return None
    closes = await _close_of(repo, channel_id, info_.schedule, now)
    if closes is None or not closes - ctx.delivery.remind_before <= now < closes:
        return None
    return _Due(info_.ref, found[0].language, round_.id, round_.seq, closes)


async def _close_of(
    repo: Repository, channel_id: int, schedule: Schedule, now: datetime
) -> datetime | None:
    """The next round's post time after `now`, past skipped dates."""
    moment = now
    for _day in range(SKIP_HORIZON):
        moment = schedule.next_post_after(moment)
        if not await repo.skips.is_skipped(channel_id=channel_id, day=schedule.local_date(moment)):
            return moment
    return None


async def _nudge(ctx: AppContext, due: _Due, member: Nudged, now: datetime) -> None:
    """Send one nudge in the member's language; a failure costs this nudge only."""
    t = translator(
        stored_language(member.language) or stored_language(due.language) or ctx.language
    )
    try:
        await ctx.messenger(due.ref.platform).send_private(
            due.ref, member.external_id, reminder_reply(member.streak, due.closes - now, t)
        )
    except Exception:
        log.exception("could not send a reminder in %s", due.ref)


def reminder_reply(streak: int, left: timedelta, t: Translator) -> Reply:
    """The nudge: the streak at stake, the time left, how to answer, how to stop these."""
    hours = max(1, math.ceil(left / timedelta(hours=1)))
    return Reply(
        title=t(
            n_(
                "Your streak of {streak} rounds ends in {count} hour",
                "Your streak of {streak} rounds ends in {count} hours",
                hours,
                streak=streak,
                count=hours,
            )
        ),
        body=t(_("Answer the open round with /scale answer to keep it.")),
        footer=t(_("/scale remind off stops these reminders.")),
    )


async def reminders_export(repo: Repository, *, user_id: int) -> list[str]:
    """The channels where a member asked for reminders, for export-me."""
    return await repo.reminders.of_user(user_id=user_id)
