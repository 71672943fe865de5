"""Handlers: the /scale slash-command group, thin callbacks calling the typed commands."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from functools import cache
from typing import Any, Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands

from scalebot.domain.replies import error
from scalebot.locales import Message, _
from scalebot.platforms.discord.answering import answer_form, answer_view
from scalebot.platforms.discord.channel_commands import add_channel_commands
from scalebot.platforms.discord.identity import Interaction, quick_reader
from scalebot.platforms.discord.interactions import begin, run, send_reply
from scalebot.platforms.discord.practice import practice_subcommand
from scalebot.platforms.discord.translation import describe_options, described, subcommand
from scalebot.services import commands, languages, rounds
from scalebot.services.commands import Command
from scalebot.services.context import UserError
from scalebot.services.corrections import MAX_REASON, MAX_STREAK
from scalebot.services.history import MAX_PAGE

MAX_CHOICES = 25
POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
# The commands that take no options, each with its description on Discord.
MEMBER_COMMANDS: tuple[tuple[Command[...], Message], ...] = (
    (commands.HELP, _("Every command, and how the daily question works")),
    (commands.STREAK, _("Your streak in this channel")),
    (commands.STATS, _("Your practice history in this channel")),
    (commands.FORGET_ME, _("Delete everything scalebot stores about you in this server")),
    (commands.EXPORT_ME, _("Everything scalebot stores about you, as a JSON file")),
)
ADMIN_COMMANDS: tuple[tuple[Command[...], Message], ...] = (
    (commands.PAUSE, _("Stop the daily post in this channel")),
    (commands.RESUME, _("Restart the daily post in this channel")),
    (commands.POST_NOW, _("Post today's round now")),
    (commands.UNDO, _("Revert the newest streak correction in this channel")),
    (commands.EXPORT, _("This channel's answers, scores and streaks as a CSV file")),
)
Callback = Callable[[Interaction], Coroutine[Any, Any, None]]


@cache
def iana_zones() -> tuple[str, ...]:
    """Every IANA zone name a channel can use, sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def matching_zones(typed: str) -> list[str]:
    """Up to 25 zones for what was typed: prefix matches of any part first, then substrings."""
    needle = typed.strip().lower().replace(" ", "_")
    if not needle:
        return list(POPULAR_ZONES)
    zones = iana_zones()
    starts = [z for z in zones if any(p.startswith(needle) for p in z.lower().split("/"))]
    starts.sort(key=lambda z: (not z.lower().startswith(needle), z))
    rest = [z for z in zones if needle in z.lower() and z not in starts]
    return (starts + rest)[:MAX_CHOICES]


async def zone_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for the zone option."""
    return [app_commands.Choice(name=zone, value=zone) for zone in matching_zones(current)]


def _without_options(command: Command[...]) -> Callback:
    """A callback that runs one command that takes no options."""

    async def callback(interaction: Interaction) -> None:
        await run(interaction, command)

    return callback


async def today(interaction: Interaction) -> None:
    """Show the open question privately, with its Answer button."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    t = await languages.reader(client.ctx, channel=invoked.channel, user=invoked.user)
    try:
        current = await rounds.current_round(client.ctx, channel=invoked.channel, t=t)
    except UserError as exc:
        await send_reply(interaction, error(t(exc.message)))
        return
    await send_reply(
        interaction,
        replace(current.reply, private=True),
        view=answer_view(current.round_id, t),
    )


async def answer(interaction: Interaction, text: str | None = None) -> None:
    """Answer at once with `text`, or open the answer form (the form is the first response)."""
    if text is None or not text.strip():
        await interaction.response.send_modal(answer_form(None, quick_reader(interaction)))
        return
    await run(interaction, commands.ANSWER, text=text.strip())


async def history(interaction: Interaction, page: app_commands.Range[int, 1, MAX_PAGE] = 1) -> None:
    """One page of the member's recent answers (Discord enforces the range; the service too)."""
    await run(interaction, commands.HISTORY, page=page)


async def setup(
    interaction: Interaction,
    time: str,
    zone: str,
    days: Literal["daily", "weekdays"] = "daily",
) -> None:
    """Enroll this channel: a question at a local time on some days."""
    await run(interaction, commands.SETUP, time=time, zone=zone, days=days)


async def leaderboard(
    interaction: Interaction,
    board: Literal["streak", "longest", "week", "month", "all", "season"] = "streak",
    me: Literal["hide", "show"] | None = None,
) -> None:
    """Top 10 plus the member's rank; or hide them from the boards, or show them again."""
    await run(interaction, commands.LEADERBOARD, board=me or board)


async def admin_streak(
    interaction: Interaction,
    member: discord.User,
    count: app_commands.Range[int, 0, MAX_STREAK],
    reason: app_commands.Range[str, 1, MAX_REASON],
) -> None:
    """Correct a member's streak; the reason goes into the audit trail."""
    await run(
        interaction, commands.ADMIN_STREAK, member=f"<@{member.id}>", count=count, reason=reason
    )


async def admin_freezes(interaction: Interaction, state: Literal["on", "off"]) -> None:
    """Turn streak freezes on or off in this channel."""
    await run(interaction, commands.FREEZES, state=state)


async def admin_digest(interaction: Interaction, state: Literal["on", "off"]) -> None:
    """Turn the weekly digest on or off in this channel."""
    await run(interaction, commands.DIGEST, state=state)


async def admin_ping(
    interaction: Interaction, role: discord.Role | None = None, off: bool = False
) -> None:
    """Ping a role on each daily post, turn that off, or (neither) show it."""
    target = "off" if off else (role.mention if role is not None else None)
    await run(interaction, commands.PING, target=target)


async def admin_leaderboard(
    interaction: Interaction,
    period: Literal["streak", "longest", "week", "month", "all", "season"] = "all",
    public: bool = False,
) -> None:
    """The full leaderboard by points, privately or posted to the channel."""
    await run(interaction, commands.ADMIN_LEADERBOARD, board=period, public=public)


async def remind(interaction: Interaction, state: Literal["on", "off"]) -> None:
    """A private nudge before the round closes while your streak is at stake, or not."""
    await run(interaction, commands.REMIND, state=state)


async def language(interaction: Interaction, code: Literal["zh", "en", "auto"]) -> None:
    """Choose the language of your replies, or follow your app's again."""
    await run(interaction, commands.LANGUAGE, code=code)


async def admin_language(interaction: Interaction, code: Literal["zh", "en"]) -> None:
    """Choose this channel's language for its public posts."""
    await run(interaction, commands.ADMIN_LANGUAGE, code=code)


def build_scale_group() -> app_commands.Group:
    """The /scale group with every subcommand and the admin subgroup."""
    scale = app_commands.Group(
        name="scale",
        description=described(_("Daily 'How would you scale it?' practice")),
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )
    admin = app_commands.Group(
        name="admin",
        description=described(_("Channel admin commands (need Manage Server)")),
        parent=scale,
    )
    for table_command, description in MEMBER_COMMANDS:
        scale.add_command(
            subcommand(table_command.name, description, _without_options(table_command))
        )
    for command in _member_commands():
        scale.add_command(command)
    scale.add_command(practice_subcommand())
    for table_command, description in ADMIN_COMMANDS:
        admin.add_command(
            subcommand(table_command.name, description, _without_options(table_command))
        )
    for command in _admin_commands():
        admin.add_command(command)
    add_channel_commands(admin)
    return scale


def _member_commands() -> list[app_commands.Command[Any, ..., None]]:
    """The member commands that take options (or open a form)."""
    today_command = subcommand("today", _("Show the current question again"), today)
    answer_command = subcommand("answer", _("Answer the current question (private)"), answer)
    describe_options(
        answer_command, text=_("A short answer in one go; leave it out to get the full form")
    )
    member_board = subcommand("leaderboard", _("Top 10 plus your rank"), leaderboard)
    describe_options(
        member_board,
        board=_("Current or longest streak, or points this week, this month, all time"),
        me=_("Hide yourself from the boards (you still see your rank), or show yourself again"),
    )
    history_command = subcommand("history", _("Your recent answers, newest first"), history)
    describe_options(history_command, page=_("Page 1 is the newest; 2 and on go further back"))
    language_command = subcommand("language", _("The language of your replies"), language)
    describe_options(
        language_command, code=_("zh: Chinese, en: English, auto: your app's language")
    )
    remind_command = subcommand("remind", _("A nudge before the round closes"), remind)
    describe_options(
        remind_command,
        state=_("on: a private nudge while a streak of 3+ is at stake; off: none"),
    )
    return [
        today_command,
        answer_command,
        member_board,
        history_command,
        language_command,
        remind_command,
    ]


def _admin_commands() -> list[app_commands.Command[Any, ..., None]]:
    """The admin commands that take options."""
    setup_command = subcommand("setup", _("Enroll this channel in the daily question"), setup)
    describe_options(
        setup_command,
        time=_("Post time, 24-hour HH:MM, e.g. 09:00"),
        zone=_("IANA time zone, e.g. Europe/Berlin (start typing to search)"),
        days=_("Every day, or Monday to Friday"),
    )
    setup_command.autocomplete("zone")(zone_choices)
    board = subcommand(
        "leaderboard", _("The full leaderboard, hidden members too"), admin_leaderboard
    )
    describe_options(
        board,
        period=_("Points window, or a streak board"),
        public=_("Post it to the channel (members who hid stay hidden)"),
    )
    correct = subcommand(
        "streak", _("Correct a member's streak (kept in an audit trail)"), admin_streak
    )
    describe_options(
        correct,
        member=_("Whose streak"),
        count=_("The streak it should be"),
        reason=_("Why: kept with the change"),
    )
    freezes = subcommand(
        "freezes", _("Turn streak freezes on or off in this channel"), admin_freezes
    )
    describe_options(
        freezes, state=_("on: a missed round spends a freeze; off: it breaks the streak")
    )
    channel_language = subcommand(
        "language", _("This channel's language for its public posts"), admin_language
    )
    describe_options(channel_language, code=_("zh: Chinese, en: English"))
    digest = subcommand("digest", _("Last week's digest on each week's first round"), admin_digest)
    describe_options(digest, state=_("on: posted on the first round of each week; off: not posted"))
    ping = subcommand("ping", _("Ping a role on each daily post, or stop"), admin_ping)
    describe_options(
        ping,
        role=_("The role to ping (never @everyone); leave out to see the one set"),
        off=_("Ping nobody on the daily post"),
    )
    return [setup_command, board, correct, freezes, channel_language, digest, ping]
