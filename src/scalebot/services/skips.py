"""Skipped dates: admins keep a channel's round off holidays (`/scale admin skip 2026-12-25`)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from scalebot.db.repository import Repository
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply, info
from scalebot.locales import Translator, _, n_
from scalebot.services.channels import ChannelInfo, channel_info, require_channel
from scalebot.services.context import AppContext, UserError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How far ahead a date may be skipped, and how many dates one channel may skip ahead.
HORIZON = timedelta(days=366)
MAX_SKIPS = 100
SKIP_USAGE = _("Usage: /scale admin skip YYYY-MM-DD | list, /scale admin unskip YYYY-MM-DD")


def parse_date(text: str) -> date:
    """A date typed as YYYY-MM-DD."""
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UserError(
        _("'{text}' is not a date: write it as YYYY-MM-DD, for example 2026-12-25.", text=text)
    )


async def skip_date(
    ctx: AppContext, *, channel: ChannelRef, admin: UserRef, text: str, now: datetime, t: Translator
) -> Reply:
    """Skip a local date from today on: no round is posted there that day."""
    day = parse_date(text)
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        enrolled = channel_info(row, await repo.get_workspace(workspace_id=row.workspace_id))
        await _check_skippable(repo, enrolled, day, now=now, t=t)
        added = await repo.skips.add(channel_id=row.id, day=day, added_by=admin.user_id, now=now)
    if not added:
        return info(t(_("{day} is skipped already.", day=t.date(day))))
    return info(
        t(_("No round on {day}.", day=t.date(day))),
        t(_("/scale admin unskip {iso} brings it back.", iso=day.isoformat())),
    )


async def _check_skippable(
    repo: Repository, channel: ChannelInfo, day: date, *, now: datetime, t: Translator
) -> None:
    """Refuse a date that has passed, is too far, has no round anyway, or whose round is out."""
    schedule = channel.schedule
    today = schedule.local_date(now)
    if day < today:
        raise UserError(_("{day} has passed here: skip a date from today on.", day=t.date(day)))
    if day > today + HORIZON:
        raise UserError(_("Skip dates at most a year ahead."))
    if not schedule.days.includes(day):
        raise UserError(
            _("{day} has no round anyway: this channel posts on weekdays.", day=t.date(day))
        )
    if day == today and await repo.find_round(channel_id=channel.id, round_date=day) is not None:
        raise UserError(_("Today's round is already out: skip a later date."))
    if await repo.skips.count_upcoming(channel_id=channel.id, since=today) >= MAX_SKIPS:
        raise UserError(
            _("This channel skips {limit} dates already: unskip one first.", limit=MAX_SKIPS)
        )


async def unskip_date(ctx: AppContext, *, channel: ChannelRef, text: str, t: Translator) -> Reply:
    """Post on a skipped date after all."""
    day = parse_date(text)
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        removed = await repo.skips.remove(channel_id=row.id, day=day)
    if not removed:
        raise UserError(
            _("{day} is not skipped: /scale admin skip list shows what is.", day=t.date(day))
        )
    return info(t(_("{day} gets its round again.", day=t.date(day))))


async def list_skips(
    ctx: AppContext, *, channel: ChannelRef, now: datetime, t: Translator
) -> Reply:
    """The channel's skipped dates from today on, soonest first."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        workspace = await repo.get_workspace(workspace_id=row.workspace_id)
        today = channel_info(row, workspace).schedule.local_date(now)
        days = await repo.skips.upcoming(channel_id=row.id, since=today, limit=MAX_SKIPS)
    if not days:
        return info(
            t(_("No dates are skipped here.")),
            t(_("/scale admin skip YYYY-MM-DD keeps a holiday free of rounds.")),
        )
    title = n_("{count} date skipped", "{count} dates skipped", len(days), count=len(days))
    return info(
        t(title), "\n".join(t(_("{date} ({iso})", date=day, iso=day.isoformat())) for day in days)
    )
