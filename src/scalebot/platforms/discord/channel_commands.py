"""Discord's /scale admin topics | difficulty | skip | unskip | season: options → the commands."""

from __future__ import annotations

import re

from discord import app_commands

from scalebot.domain.filters import bank_topics
from scalebot.locales import _
from scalebot.platforms.discord.identity import Interaction
from scalebot.platforms.discord.interactions import client_of, run
from scalebot.platforms.discord.translation import describe_options, subcommand
from scalebot.services import commands

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


async def admin_topics(interaction: Interaction, topics: str | None = None) -> None:
    """Ask only these topics in this channel (all for every topic); leave out to see them."""
    await run(interaction, commands.TOPICS, topics=topics)


async def admin_difficulty(interaction: Interaction, levels: str | None = None) -> None:
    """Ask only these difficulties in this channel (all for every one); leave out to see them."""
    await run(interaction, commands.DIFFICULTY, levels=levels)


async def admin_skip(interaction: Interaction, date: str) -> None:
    """No round on a date (YYYY-MM-DD), or list the skipped dates."""
    await run(interaction, commands.SKIP, date=date)


async def admin_unskip(interaction: Interaction, date: str) -> None:
    """Post on a skipped date after all."""
    await run(interaction, commands.UNSKIP, date=date)


async def admin_season(interaction: Interaction, start: str | None = None) -> None:
    """Start a points season named `start`, or show the running one."""
    await run(interaction, commands.SEASON, start=start)


def topic_suggestions(typed: str, topics: list[str]) -> list[str]:
    """Complete the last of the comma-separated topics typed so far."""
    done, _sep, last = typed.rpartition(",")
    chosen = [item.strip() for item in done.split(",") if item.strip()]
    prefix = ",".join(chosen) + ("," if chosen else "")
    needle = last.strip().lower()
    fits = [t for t in topics if t not in chosen and needle in t]
    fits.sort(key=lambda t: (not t.startswith(needle), t))
    options = [prefix + topic for topic in fits]
    return [o for o in options if len(o) <= MAX_CHOICE_CHARS][:MAX_CHOICES]


async def topic_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for the topics option, from the bank the bot serves."""
    topics = bank_topics(client_of(interaction).ctx.bank)
    typed = re.sub(r"\s+", "", current)
    return [app_commands.Choice(name=s, value=s) for s in topic_suggestions(typed, topics)]


def add_channel_commands(admin: app_commands.Group) -> None:
    """Add the channel-fitting subcommands to /scale admin."""
    topics = subcommand("topics", _("Ask only some topics in this channel"), admin_topics)
    describe_options(
        topics, topics=_("Comma-separated, e.g. deployment,monitoring; all for every one")
    )
    topics.autocomplete("topics")(topic_choices)
    difficulty = subcommand("difficulty", _("Ask only some difficulties here"), admin_difficulty)
    describe_options(difficulty, levels=_("Comma-separated: easy, medium, hard; all for every one"))
    skip = subcommand("skip", _("No round on a date (a holiday), or list them"), admin_skip)
    describe_options(skip, date=_("YYYY-MM-DD, e.g. 2026-12-25, or list"))
    unskip = subcommand("unskip", _("Post on a skipped date after all"), admin_unskip)
    describe_options(unskip, date=_("YYYY-MM-DD, as skipped"))
    season = subcommand("season", _("Start a fresh points board, or see the season"), admin_season)
    describe_options(season, start=_("The new season's name; leave out to see the running one"))
    for command in (topics, difficulty, skip, unskip, season):
        admin.add_command(command)
