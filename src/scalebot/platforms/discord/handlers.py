"""Handlers: the /scale slash-command group, thin callbacks over services.commands.run_command."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Coroutine
from dataclasses import replace
from functools import cache
from typing import Any, Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands

from scalebot.domain.replies import error
from scalebot.platforms.discord.answering import answer_form, answer_view
from scalebot.platforms.discord.channel_commands import add_channel_commands
from scalebot.platforms.discord.identity import Interaction
from scalebot.platforms.discord.interactions import begin, send_reply
from scalebot.platforms.discord.practice import practice_subcommand
from scalebot.services import rounds
from scalebot.services.commands import run_command
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
# (name, description, text passed to run_command) for commands that take no options.
MEMBER_COMMANDS = (
    ("help", "Every command, and how the daily question works", "help"),
    ("streak", "Your streak in this channel", "streak"),
    ("stats", "Your practice history in this channel", "stats"),
    ("forget-me", "Delete everything scalebot stores about you in this server", "forget-me"),
    ("export-me", "Everything scalebot stores about you, as a JSON file", "export-me"),
)
ADMIN_COMMANDS = (
    ("pause", "Stop the daily post in this channel", "admin pause"),
    ("resume", "Restart the daily post in this channel", "admin resume"),
    ("post-now", "Post today's round now", "admin post-now"),
    ("undo", "Revert the newest streak correction in this channel", "admin undo"),
    ("export", "This channel's answers, scores and streaks as a CSV file", "admin export"),
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


def command_text(*words: str) -> str:
    """The text after /scale, each option quoted so it stays one argument."""
    return " ".join(shlex.quote(word) for word in words)


async def run_text(interaction: Interaction, text: str) -> None:
    """Defer privately, run a /scale text command, and send its reply."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    await send_reply(interaction, await run_command(client.ctx, invoked, text))


def _text_command(text: str) -> Callback:
    """A callback that runs one fixed /scale text command."""

    async def callback(interaction: Interaction) -> None:
        await run_text(interaction, text)

    return callback


async def today(interaction: Interaction) -> None:
    """Show the open question privately, with its Answer button."""
    started = await begin(interaction)
    if started is None:
        return
    client, invoked = started
    try:
        current = await rounds.current_round(client.ctx, channel=invoked.channel)
    except UserError as exc:
        await send_reply(interaction, error(str(exc)))
        return
    await send_reply(
        interaction,
        replace(current.reply, private=True),
        view=answer_view(current.round_id),
    )


async def answer(interaction: Interaction, text: str | None = None) -> None:
    """Answer at once with `text`, or open the answer form (the form is the first response)."""
    if text is None or not text.strip():
        await interaction.response.send_modal(answer_form(None))
        return
    await run_text(interaction, f"answer {text}")


async def history(interaction: Interaction, page: app_commands.Range[int, 1, MAX_PAGE] = 1) -> None:
    """One page of the member's recent answers (Discord enforces the range; the service too)."""
    await run_text(interaction, command_text("history", str(page)))


async def setup(
    interaction: Interaction,
    time: str,
    zone: str,
    days: Literal["daily", "weekdays"] = "daily",
) -> None:
    """Enroll this channel: a question at a local time on some days."""
    await run_text(interaction, command_text("admin", "setup", time, zone, days))


async def leaderboard(
    interaction: Interaction,
    board: Literal["streak", "longest", "week", "month", "all"] = "streak",
    me: Literal["hide", "show"] | None = None,
) -> None:
    """Top 10 plus the member's rank; or hide them from the boards, or show them again."""
    await run_text(interaction, command_text("leaderboard", me or board))


async def admin_streak(
    interaction: Interaction,
    member: discord.User,
    count: app_commands.Range[int, 0, MAX_STREAK],
    reason: app_commands.Range[str, 1, MAX_REASON],
) -> None:
    """Correct a member's streak; the reason goes into the audit trail."""
    await run_text(interaction, f"admin streak <@{member.id}> {count} {reason}")


async def admin_freezes(interaction: Interaction, state: Literal["on", "off"]) -> None:
    """Turn streak freezes on or off in this channel."""
    await run_text(interaction, command_text("admin", "freezes", state))


async def admin_leaderboard(
    interaction: Interaction,
    period: Literal["streak", "longest", "week", "month", "all"] = "all",
    public: bool = False,
) -> None:
    """The full leaderboard by points, privately or posted to the channel."""
    words = ["admin", "leaderboard", period] + (["public"] if public else [])
    await run_text(interaction, command_text(*words))


def build_scale_group() -> app_commands.Group:
    """The /scale group with every subcommand and the admin subgroup."""
    scale = app_commands.Group(
        name="scale",
        description="Daily 'How would you scale it?' practice",
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )
    admin = app_commands.Group(
        name="admin", description="Channel admin commands (need Manage Server)", parent=scale
    )
    for name, description, text in MEMBER_COMMANDS:
        scale.add_command(_command(name, description, _text_command(text)))
    scale.add_command(_command("today", "Show the current question again", today))
    answer_command = _command("answer", "Answer the current question (private)", answer)
    app_commands.describe(text="A short answer in one go; leave it out to get the full form")(
        answer_command
    )
    scale.add_command(answer_command)
    member_board = _command("leaderboard", "Top 10 plus your rank", leaderboard)
    app_commands.describe(
        board="Current or longest streak, or points this week, this month, all time",
        me="Hide yourself from the boards (you still see your rank), or show yourself again",
    )(member_board)
    scale.add_command(member_board)
    history_command = _command("history", "Your recent answers, newest first", history)
    app_commands.describe(page="Page 1 is the newest; 2 and on go further back")(history_command)
    scale.add_command(history_command)
    scale.add_command(practice_subcommand())
    setup_command = _command("setup", "Enroll this channel in the daily question", setup)
    app_commands.describe(
        time="Post time, 24-hour HH:MM, e.g. 09:00",
        zone="IANA time zone, e.g. Europe/Berlin (start typing to search)",
        days="Every day, or Monday to Friday",
    )(setup_command)
    setup_command.autocomplete("zone")(zone_choices)
    admin.add_command(setup_command)
    for name, description, text in ADMIN_COMMANDS:
        admin.add_command(_command(name, description, _text_command(text)))
    board = _command("leaderboard", "The full leaderboard, hidden members too", admin_leaderboard)
    app_commands.describe(
        period="Points window, or a streak board",
        public="Post it to the channel (members who hid stay hidden)",
    )(board)
    admin.add_command(board)
    correct = _command("streak", "Correct a member's streak (kept in an audit trail)", admin_streak)
    app_commands.describe(
        member="Whose streak", count="The streak it should be", reason="Why: kept with the change"
    )(correct)
    admin.add_command(correct)
    freezes = _command("freezes", "Turn streak freezes on or off in this channel", admin_freezes)
    app_commands.describe(state="on: a missed round spends a freeze; off: it breaks the streak")(
        freezes
    )
    admin.add_command(freezes)
    add_channel_commands(admin)
    return scale


def _command(
    name: str, description: str, callback: Callable[..., Coroutine[Any, Any, None]]
) -> app_commands.Command[Any, ..., None]:
    """One subcommand."""
    return app_commands.Command(name=name, description=description, callback=callback)
