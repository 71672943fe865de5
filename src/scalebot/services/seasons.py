"""Points seasons: an admin starts a fresh points board while all-time history stays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply, info
from scalebot.domain.untrusted import public_name
from scalebot.locales import Translator, _
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError

MAX_NAME = 80
SEASON_USAGE = _("Usage: /scale admin season start NAME (or /scale admin season to see it)")


async def start_season(
    ctx: AppContext, *, channel: ChannelRef, name: str, now: datetime, t: Translator
) -> Reply:
    """Start a season: from the next round on, on-time points also go to its own board."""
    name = " ".join(name.split())
    if not name:
        raise UserError(SEASON_USAGE)
    if len(name) > MAX_NAME:
        raise UserError(_("A season name may be {limit} characters.", limit=MAX_NAME))
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        today = now.astimezone(ZoneInfo(row.timezone)).date()
        if row.season_started_on == today:
            # Its totals are keyed by the first day: a second season today would share them.
            raise UserError(_("A season started here today already: start the next one tomorrow."))
        row.season_name, row.season_started_on = name, today
        row.season_start_seq, row.updated_at = row.round_count, now
    return info(
        t(_("Season {name} starts with the next round.", name=public_name(name))),
        t(
            _(
                "/scale leaderboard season shows its board; all-time, month and week "
                "boards keep counting as before."
            )
        ),
    )


async def show_season(ctx: AppContext, *, channel: ChannelRef, t: Translator) -> Reply:
    """The running season, if any."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        name, started = row.season_name, row.season_started_on
    if name is None or started is None:
        return info(t(_("No season is running here.")), t(SEASON_USAGE))
    return info(
        t(_("Season {name}, since {day}.", name=public_name(name), day=t.date(started))),
        t(_("/scale leaderboard season shows its board.")),
    )
