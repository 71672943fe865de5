"""The `/scale …` text commands, shared by the console and chat platforms."""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply, error, info
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import (
    Days,
    Schedule,
    ScheduleError,
    parse_days,
    parse_time,
    parse_zone,
)
from scalebot.locales import ENGLISH, Language, Message, Translator, _, n_, translator
from scalebot.services import (
    answers,
    channel_commands,
    channels,
    corrections,
    exports,
    freezes,
    history,
    languages,
    members,
    pings,
    practice,
    rounds,
    standings,
    stats,
)
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, UserError
from scalebot.services.replies import help_reply

ADMIN_ONLY = _("Only channel admins can use /scale admin: ask one of them, or try /scale help.")
# An answer at the limit, plus the command word and some spacing.
MAX_COMMAND_CHARS = MAX_ANSWER_CHARS + 100
LEADERBOARD_USAGE = _("Usage: /scale leaderboard [streak|longest|week|month|all|hide|show]")
HIDDEN = _(
    "You are hidden from this channel's leaderboards: you still see your own rank, and "
    "admins still see everyone. /scale leaderboard show brings you back."
)
SHOWN = _("You are back on this channel's leaderboards.")
# How much of a mistyped command's arguments a suggestion repeats.
SHOWN_ARGUMENTS = 40
# Commands a reply's button may run when pressed (anything else in a button is refused).
BUTTON_COMMANDS = frozenset({members.FORGET_CONFIRM})
SETUP_USAGE = _(
    "Usage: /scale admin setup HH:MM ZONE [daily|weekdays], e.g. 09:00 Europe/Berlin weekdays."
)
LANGUAGE_USAGE = _("Usage: /scale language zh|en|auto")
ADMIN_LANGUAGE_USAGE = _("Usage: /scale admin language zh|en")
LANGUAGE_NAMES = {Language.EN: _("English"), Language.ZH: _("Chinese")}


@dataclass(frozen=True)
class Invocation:
    """Who ran a command, where, when, and whether they are an admin there."""

    channel: ChannelRef
    user: UserRef
    is_admin: bool
    now: datetime
    # The reader's translator: private replies render through it (public posts use the channel's).
    # run_command resolves it (user.locale, the stored choices) before any handler runs.
    t: Translator = ENGLISH


Handler = Callable[[AppContext, Invocation, list[str], str], Awaitable[Reply]]


async def run_command(ctx: AppContext, invocation: Invocation, text: str) -> Reply:
    """Run the text after `/scale` and return the reply; bad input gets a one-line message."""
    t = await languages.reader(ctx, channel=invocation.channel, user=invocation.user)
    reply = await _run(ctx, replace(invocation, t=t), text)
    if reply.language is None:  # built with the reader's translator
        reply = replace(reply, language=t.language)
    if not reply.private:
        return reply
    spent, held = await freezes.take_notice(ctx, channel=invocation.channel, user=invocation.user)
    return freezes.with_notice(reply, spent, held, t)


async def _run(ctx: AppContext, invocation: Invocation, text: str) -> Reply:
    """Parse the command and run its handler; bad input becomes the error that explains it."""
    t = invocation.t
    if len(text) > MAX_COMMAND_CHARS:  # before any parsing: shlex is slow on huge text
        return error(t(too_long(text)))
    name, rest = _split_first(text)
    handler = _HANDLERS.get(name.lower())
    if handler is None:
        return error(t(unknown_command(name, rest)))
    try:
        return await handler(ctx, invocation, _words(rest), rest)
    except (UserError, ScheduleError) as exc:
        return error(t(exc.message))


def too_long(text: str) -> Message:
    """The refusal of a command too long to be an answer."""
    return _(
        "That command is {length} characters; answers may be {limit}. "
        "Shorten it and send it again.",
        length=len(text),
        limit=MAX_ANSWER_CHARS,
    )


def unknown_command(name: str, rest: str) -> Message:
    """Refuse an unknown subcommand, suggesting the one it most looks like ('todya': today)."""
    close = difflib.get_close_matches(name.lower(), _HANDLERS, n=1, cutoff=0.6)
    if not close:
        return _("Unknown command '{name}': try /scale help.", name=name)
    shown = rest.strip() if len(rest.strip()) <= SHOWN_ARGUMENTS else "…"
    meant = " ".join(part for part in ("/scale", close[0], shown) if part)
    return _("Unknown command '{name}': did you mean {meant}?", name=name, meant=meant)


def _split_first(text: str) -> tuple[str, str]:
    """Split off the first word; the rest is kept exactly as typed."""
    stripped = text.strip()
    if not stripped:
        return "help", ""
    parts = stripped.split(maxsplit=1)
    return parts[0], stripped[len(parts[0]) :].lstrip(" ") if len(parts) > 1 else ""


def _words(text: str) -> list[str]:
    """Split arguments like a shell would, falling back to whitespace on unbalanced quotes."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


async def _help(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    return help_reply(is_admin=inv.is_admin, t=inv.t)


async def _today(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    # Shown to the member who asked, not reposted to the whole channel.
    current = await rounds.current_round(ctx, channel=inv.channel, t=inv.t)
    return replace(current.reply, private=True)


async def _answer(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    outcome = await answers.submit_answer(
        ctx, channel=inv.channel, user=inv.user, text=rest, now=inv.now, t=inv.t
    )
    return outcome.reply


async def _streak(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    return (await standings.read_streak(ctx, channel=inv.channel, user=inv.user, t=inv.t)).reply


async def _leaderboard(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) > 1:
        return error(inv.t(LEADERBOARD_USAGE))
    choice = args[0].lower() if args else "streak"
    if choice in ("hide", "show"):
        hidden = choice == "hide"
        await standings.set_hidden(
            ctx, channel=inv.channel, user=inv.user, hidden=hidden, now=inv.now
        )
        return info(inv.t(HIDDEN if hidden else SHOWN))
    period, longest = standings.parse_board(choice)
    board = await standings.leaderboard(
        ctx,
        channel=inv.channel,
        viewer=inv.user,
        now=inv.now,
        period=period,
        longest=longest,
        everyone=inv.is_admin,
        t=inv.t,
    )
    return board.reply


async def _stats(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    reply = (await standings.member_stats(ctx, channel=inv.channel, user=inv.user, t=inv.t)).reply
    picture = await stats.stats_picture(
        ctx, channel=inv.channel, user=inv.user, now=inv.now, t=inv.t
    )
    return replace(reply, attachments=(picture,)) if picture else reply


async def _history(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) > 1:
        return error(inv.t(history.USAGE))
    page = history.parse_page(args[0] if args else "")
    view = await history.member_history(ctx, channel=inv.channel, user=inv.user, page=page, t=inv.t)
    return view.reply


async def _practice(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    return await practice.practice_command(ctx, user=inv.user, now=inv.now, rest=rest, t=inv.t)


async def _forget_me(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if not args:
        return await members.forget_request(ctx, user=inv.user, t=inv.t)
    if [arg.lower() for arg in args] == ["confirm"]:
        return await members.forget_confirmed(ctx, user=inv.user, t=inv.t)
    return error(inv.t(members.FORGET_USAGE))


async def _export_me(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    data = await members.export_user(ctx, user=inv.user)
    count = len(data["answers"])
    return Reply(
        title=inv.t(
            n_("Your data: {count} answer", "Your data: {count} answers", count, count=count)
        ),
        attachments=(members.export_file(data, user=inv.user),),
    )


async def _admin(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if not inv.is_admin:
        return error(inv.t(ADMIN_ONLY))
    sub = args[0].lower() if args else ""
    handler = _ADMIN_HANDLERS.get(sub)
    if handler is None:
        choices = ", ".join(_ADMIN_HANDLERS)
        if not args:
            return error(inv.t(_("Name an admin command: {choices}.", choices=choices)))
        return error(
            inv.t(
                _("Unknown admin command '{name}': use {choices}.", name=args[0], choices=choices)
            )
        )
    return await handler(ctx, inv, args[1:], rest)


async def _setup(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) not in (2, 3):
        return error(inv.t(SETUP_USAGE))
    post_time = parse_time(args[0])
    zone = parse_zone(args[1])
    days = parse_days(args[2]) if len(args) == 3 else Days.DAILY
    schedule = Schedule(post_time, days, zone.key)
    enrolled = await channels.enroll_channel(
        ctx, channel=inv.channel, schedule=schedule, now=inv.now
    )
    await ctx.channel_changed(enrolled.id)
    body = inv.t(_("Run /scale admin post-now to post today's round at once."))
    ping = await pings.ping_note(ctx, channel=inv.channel, t=inv.t)
    return info(
        inv.t(_("This channel is enrolled: a question at {when}.", when=schedule.describe())),
        body if ping is None else f"{body}\n{ping}",
    )


async def _pause(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    changed = await channels.set_channel_state(
        ctx, channel=inv.channel, active=False, now=inv.now, reason="paused by an admin"
    )
    await ctx.channel_changed(changed.id)
    return info(inv.t(_("Paused: no scheduled rounds until /scale admin resume.")))


async def _resume(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    changed = await channels.set_channel_state(ctx, channel=inv.channel, active=True, now=inv.now)
    await ctx.channel_changed(changed.id)
    return info(inv.t(_("Resumed: a question at {when}.", when=changed.schedule.describe())))


async def _post_now(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    found = await channels.get_channel(ctx, channel=inv.channel)
    if found is None:
        raise UserError(channels.NOT_ENROLLED)
    outcome = await rounds.post_round(ctx, channel_id=found.id, now=inv.now, manual=True)
    messages = {
        PostStatus.POSTED: _("Posted today's round."),
        PostStatus.EXISTS: _("Today's round is already posted: /scale today shows it."),
        PostStatus.PENDING: _(
            "Today's round is on its way: scalebot is making sure it "
            "arrived once. /scale today shows it as soon as it is confirmed."
        ),
        PostStatus.PAUSED: _("This channel is paused: run /scale admin resume first."),
        PostStatus.FAILED: _("Posting failed: check that the bot may post here, then retry."),
        PostStatus.MISSING: channels.NOT_ENROLLED,
        PostStatus.SKIPPED: _(
            "Today is skipped here: /scale admin unskip with today's date posts it after all."
        ),
    }
    text = inv.t(messages[outcome.status])
    return info(text) if outcome.status is PostStatus.POSTED else error(text)


async def _admin_leaderboard(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    public = bool(args) and args[-1].lower() == "public"
    options = args[:-1] if public else args
    if len(options) > 1:
        return error(
            inv.t(_("Usage: /scale admin leaderboard [streak|longest|week|month|all] [public]"))
        )
    period, longest = (
        standings.parse_board(options[0]) if options else (standings.Period.ALL, False)
    )
    t = inv.t
    if public:  # posted to the channel: in the channel's language
        found = await channels.get_channel(ctx, channel=inv.channel)
        t = languages.channel_reader(ctx, found.language if found else None)
    board = await standings.leaderboard(
        ctx,
        channel=inv.channel,
        viewer=None if public else inv.user,
        now=inv.now,
        period=period,
        limit=None,
        longest=longest,
        # Posted to the channel, the board respects who chose to be hidden.
        everyone=not public,
        t=t,
    )
    return replace(board.reply, private=not public)


async def _admin_streak(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    # The reason is free text: take it as typed, after "streak @member N".
    text = rest.strip().split(maxsplit=1)[1] if len(rest.split()) > 1 else ""
    return await corrections.correct_streak(
        ctx, channel=inv.channel, admin=inv.user, text=text, now=inv.now, t=inv.t
    )


async def _admin_freezes(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        return error(inv.t(_("Usage: /scale admin freezes on|off")))
    enabled = args[0].lower() == "on"
    await freezes.set_freezes(ctx, channel=inv.channel, enabled=enabled)
    if enabled:
        return info(
            inv.t(_("Streak freezes are on: a missed round spends a freeze instead of a streak."))
        )
    return info(
        inv.t(_("Streak freezes are off: a missed round breaks a streak.")),
        inv.t(_("Members keep the freezes they hold for when you turn them back on.")),
    )


async def _admin_undo(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if args:
        return error(
            inv.t(_("Usage: /scale admin undo (it reverts the newest streak correction)."))
        )
    return await corrections.undo_correction(
        ctx, channel=inv.channel, admin=inv.user, now=inv.now, t=inv.t
    )


async def _language(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) != 1:
        return error(inv.t(LANGUAGE_USAGE))
    chosen = await languages.set_member_language(ctx, user=inv.user, code=args[0], now=inv.now)
    if chosen is None:
        t = await languages.reader(ctx, channel=inv.channel, user=inv.user)
        said = info(
            t(
                _(
                    "Your replies follow your app's language again, else this channel's "
                    "(now {language}).",
                    language=LANGUAGE_NAMES[t.language],
                )
            )
        )
        return replace(said, language=t.language)
    t = translator(chosen)
    said = info(
        t(_("Your private replies are now in {language}.", language=LANGUAGE_NAMES[chosen])),
        t(_("/scale language auto goes back to your app's language.")),
    )
    return replace(said, language=chosen)


async def _admin_language(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if len(args) != 1:
        return error(inv.t(ADMIN_LANGUAGE_USAGE))
    chosen = await languages.set_channel_language(
        ctx, channel=inv.channel, code=args[0], now=inv.now
    )
    t = inv.t  # a private reply: in the admin's own language
    return info(
        t(_("This channel now speaks {language}.", language=LANGUAGE_NAMES[chosen])),
        t(
            _(
                "The daily question, round summaries and public leaderboards use it; members "
                "who chose a language with /scale language keep theirs."
            )
        ),
    )


async def _admin_export(ctx: AppContext, inv: Invocation, args: list[str], rest: str) -> Reply:
    if args:
        return error(inv.t(_("Usage: /scale admin export (the channel's answers as a CSV file).")))
    return await exports.channel_export(ctx, channel=inv.channel, now=inv.now, t=inv.t)


_HANDLERS: dict[str, Handler] = {
    "help": _help,
    "today": _today,
    "answer": _answer,
    "streak": _streak,
    "leaderboard": _leaderboard,
    "stats": _stats,
    "history": _history,
    "practice": _practice,
    "forget-me": _forget_me,
    "export-me": _export_me,
    "language": _language,
    "admin": _admin,
}
_ADMIN_HANDLERS: dict[str, Handler] = {
    "setup": _setup,
    "pause": _pause,
    "resume": _resume,
    "post-now": _post_now,
    "leaderboard": _admin_leaderboard,
    "streak": _admin_streak,
    "undo": _admin_undo,
    "freezes": _admin_freezes,
    "export": _admin_export,
    "language": _admin_language,
    "topics": channel_commands.admin_topics,
    "difficulty": channel_commands.admin_difficulty,
    "skip": channel_commands.admin_skip,
    "unskip": channel_commands.admin_unskip,
    "season": channel_commands.admin_season,
    "digest": channel_commands.admin_digest,
    "ping": channel_commands.admin_ping,
}
