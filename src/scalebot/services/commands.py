"""The /scale commands: one table of typed commands, their handlers, and help built from it.

Platforms run a command typed through `invoke` (Discord passes its options); where commands
arrive as text (Slack's slash text, the console), `platforms/text_commands.py` reads the text
into the same call with the parameters declared here. Help lists the same table.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Concatenate, Generic, ParamSpec

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply, error, info
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import (
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
    digests,
    exports,
    freezes,
    history,
    languages,
    members,
    pings,
    practice,
    reminders,
    rounds,
    seasons,
    skips,
    standings,
    stats,
)
from scalebot.services.context import AppContext, UserError

P = ParamSpec("P")
ADMIN_ONLY = _("Only channel admins can use /scale admin: ask one of them, or try /scale help.")
HIDDEN = _(
    "You are hidden from this channel's leaderboards: you still see your own rank, and "
    "admins still see everyone. /scale leaderboard show brings you back."
)
SHOWN = _("You are back on this channel's leaderboards.")
SETUP_USAGE = _(
    "Usage: /scale admin setup HH:MM ZONE [daily|weekdays], e.g. 09:00 Europe/Berlin weekdays."
)
LANGUAGE_USAGE = _("Usage: /scale language zh|en|auto")
ADMIN_LANGUAGE_USAGE = _("Usage: /scale admin language zh|en")
LANGUAGE_NAMES = {Language.EN: _("English"), Language.ZH: _("Chinese")}
BOARDS = ("streak", "longest", "week", "month", "all", "season")
LEADERBOARD_USAGE = _("Usage: /scale leaderboard [{boards}|hide|show]", boards="|".join(BOARDS))


@dataclass(frozen=True)
class Invocation:
    """Who ran a command, where, when, and whether they are an admin there."""

    channel: ChannelRef
    user: UserRef
    is_admin: bool
    now: datetime
    # The reader's translator: private replies render through it (public posts use the channel's).
    # respond() resolves it (user.locale, the stored choices) before any handler runs.
    t: Translator = ENGLISH


class Kind(enum.Enum):
    """How a parameter is written after the command's name."""

    WORD = "word"  # one word (shell quotes make one word of several)
    WORDS = "words"  # every word left, joined by single spaces; None when there is none
    REST = "rest"  # free text exactly as typed (an answer, a reason, a name)
    FLAG = "flag"  # a word at the end that is there (True) or not (False)


@dataclass(frozen=True)
class Param:
    """One of a command's typed parameters: the handler's keyword and its text form."""

    name: str
    kind: Kind = Kind.WORD
    required: bool = False
    # The typed value of the text form; raises UserError with a message that names the problem.
    parse: Callable[[str], object] = str
    # The only values accepted, checked on every path (Discord's choices are not enough).
    choices: tuple[str, ...] = ()
    # FLAG: its word; REST: the word before the text ("start" NAME), or none.
    word: str = ""


@dataclass(frozen=True)
class Form:
    """One way a command is written in help: its arguments and what it does."""

    syntax: str = ""
    # None: written on the line of the form before, after a ·.
    description: Message | None = None


@dataclass(frozen=True)
class Command(Generic[P]):
    """A /scale command: its name, who may run it, its parameters, its help, its handler."""

    name: str
    handler: Callable[Concatenate[AppContext, Invocation, P], Awaitable[Reply]]
    forms: tuple[Form, ...] = ()
    params: tuple[Param, ...] = ()
    admin: bool = False
    # The refusal of text its parameters do not fit; None: words it takes no use for are ignored.
    usage: Message | None = None
    # The command whose help line names this one too ("pause | resume").
    shown_with: str | None = None

    @property
    def written(self) -> str:
        """How the command starts: `/scale today`, `/scale admin setup`."""
        return f"/scale admin {self.name}" if self.admin else f"/scale {self.name}"


async def respond(
    ctx: AppContext, invocation: Invocation, run: Callable[[Invocation], Awaitable[Reply]]
) -> Reply:
    """Run a command for the reader it resolves; bad input becomes the one line explaining it."""
    t = await languages.reader(ctx, channel=invocation.channel, user=invocation.user)
    try:
        reply = await run(replace(invocation, t=t))
    except (UserError, ScheduleError) as exc:
        reply = error(t(exc.message))
    if reply.language is None:  # built with the reader's translator
        reply = replace(reply, language=t.language)
    if not reply.private:
        return reply
    spent, held = await freezes.take_notice(ctx, channel=invocation.channel, user=invocation.user)
    return freezes.with_notice(reply, spent, held, t)


async def invoke(
    ctx: AppContext,
    invocation: Invocation,
    command: Command[P],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Reply:
    """Run one command with typed arguments as the member who invoked it; return the reply."""

    async def run(inv: Invocation) -> Reply:
        return await call(ctx, inv, command, *args, **kwargs)

    return await respond(ctx, invocation, run)


async def call(
    ctx: AppContext,
    inv: Invocation,
    command: Command[P],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Reply:
    """Check who may run the command and the values it accepts, then run its handler."""
    if command.admin and not inv.is_admin:
        return error(inv.t(ADMIN_ONLY))
    for param in command.params:
        value = kwargs.get(param.name)
        if param.choices and value is not None and value not in param.choices:
            raise UserError(refusal(command))
    return await command.handler(ctx, inv, *args, **kwargs)


def refusal(command: Command[...]) -> Message:
    """The one line refusing input a command's parameters do not fit: its usage."""
    return command.usage or _("Unknown command '{name}': try /scale help.", name=command.name)


def help_reply(*, is_admin: bool, t: Translator) -> Reply:
    """Every command a member (and an admin) can use, as the table lists them."""
    fields = [Field(t(_("Commands")), "\n".join(help_lines(COMMANDS, t)))]
    if is_admin:
        fields.append(Field(t(_("Admin")), "\n".join(help_lines(ADMIN_COMMANDS, t))))
    return Reply(
        title=t(_("scalebot: a daily 'How would you scale it?' question")),
        body=t(
            _(
                "A question is posted here on the channel's schedule. Answer it privately, "
                "get rubric feedback, and keep your streak going round after round."
            )
        ),
        fields=tuple(fields),
    )


def help_lines(table: Sequence[Command[...]], t: Translator) -> list[str]:
    """One line per described form: `/scale … ARGS — what it does`, in the table's order."""
    lines: list[tuple[str, Message]] = []
    for command in table:
        if command.shown_with is not None:
            continue
        _add_forms(lines, command)
        for other in table:
            if other.shown_with != command.name:
                continue
            if [form.syntax for form in other.forms] == [""]:
                lines[-1] = (f"{lines[-1][0]} | {other.name}", lines[-1][1])
            else:
                _add_forms(lines, other)
    return [f"{syntax} — {t(description)}" for syntax, description in lines]


def _add_forms(lines: list[tuple[str, Message]], command: Command[...]) -> None:
    """Add a command's forms: a described one opens a line, the others join the last line."""
    for form in command.forms:
        written = f"{command.written} {form.syntax}".rstrip()
        if form.description is not None:
            lines.append((written, form.description))
        else:
            lines[-1] = (f"{lines[-1][0]} · {written}", lines[-1][1])


async def _help(ctx: AppContext, inv: Invocation) -> Reply:
    return help_reply(is_admin=inv.is_admin, t=inv.t)


async def _today(ctx: AppContext, inv: Invocation) -> Reply:
    # Shown to the member who asked, not reposted to the whole channel.
    current = await rounds.current_round(ctx, channel=inv.channel, t=inv.t)
    return replace(current.reply, private=True)


async def _answer(ctx: AppContext, inv: Invocation, *, text: str = "") -> Reply:
    outcome = await answers.submit_answer(
        ctx, channel=inv.channel, user=inv.user, text=text, now=inv.now, t=inv.t
    )
    return outcome.reply


async def _streak(ctx: AppContext, inv: Invocation) -> Reply:
    return (await standings.read_streak(ctx, channel=inv.channel, user=inv.user, t=inv.t)).reply


async def _leaderboard(ctx: AppContext, inv: Invocation, *, board: str = "streak") -> Reply:
    choice = board.lower()
    if choice in ("hide", "show"):
        hidden = choice == "hide"
        await standings.set_hidden(
            ctx, channel=inv.channel, user=inv.user, hidden=hidden, now=inv.now
        )
        return info(inv.t(HIDDEN if hidden else SHOWN))
    period, longest = standings.parse_board(choice)
    board_view = await standings.leaderboard(
        ctx,
        channel=inv.channel,
        viewer=inv.user,
        now=inv.now,
        period=period,
        longest=longest,
        everyone=inv.is_admin,
        t=inv.t,
    )
    return board_view.reply


async def _stats(ctx: AppContext, inv: Invocation) -> Reply:
    reply = (await standings.member_stats(ctx, channel=inv.channel, user=inv.user, t=inv.t)).reply
    picture = await stats.stats_picture(
        ctx, channel=inv.channel, user=inv.user, now=inv.now, t=inv.t
    )
    return replace(reply, attachments=(picture,)) if picture else reply


async def _history(ctx: AppContext, inv: Invocation, *, page: int = 1) -> Reply:
    page = history.parse_page(str(page))  # typed pages too: Discord's range is only a hint
    view = await history.member_history(ctx, channel=inv.channel, user=inv.user, page=page, t=inv.t)
    return view.reply


async def _practice(
    ctx: AppContext, inv: Invocation, *, skip: bool = False, answer: str | None = None
) -> Reply:
    if answer is not None:
        submitted = await practice.submit_practice(
            ctx, user=inv.user, text=answer.strip(), now=inv.now, t=inv.t
        )
        return submitted.reply
    served = await practice.serve_practice(ctx, user=inv.user, now=inv.now, skip=skip, t=inv.t)
    return served.reply


async def _forget_me(ctx: AppContext, inv: Invocation, *, confirm: bool = False) -> Reply:
    if confirm:
        return await members.forget_confirmed(ctx, user=inv.user, t=inv.t)
    return await members.forget_request(ctx, user=inv.user, t=inv.t)


async def _export_me(ctx: AppContext, inv: Invocation) -> Reply:
    data = await members.export_user(ctx, user=inv.user)
    count = len(data["answers"])
    return Reply(
        title=inv.t(
            n_("Your data: {count} answer", "Your data: {count} answers", count, count=count)
        ),
        attachments=(members.export_file(data, user=inv.user),),
    )


async def _language(ctx: AppContext, inv: Invocation, *, code: str) -> Reply:
    chosen = await languages.set_member_language(ctx, user=inv.user, code=code, now=inv.now)
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


async def _setup(
    ctx: AppContext, inv: Invocation, *, time: str, zone: str, days: str = "daily"
) -> Reply:
    post_time = parse_time(time)
    zone_key = parse_zone(zone).key
    schedule = Schedule(post_time, parse_days(days), zone_key)
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


async def _pause(ctx: AppContext, inv: Invocation) -> Reply:
    changed = await channels.set_channel_state(
        ctx, channel=inv.channel, active=False, now=inv.now, reason="paused by an admin"
    )
    await ctx.channel_changed(changed.id)
    return info(inv.t(_("Paused: no scheduled rounds until /scale admin resume.")))


async def _resume(ctx: AppContext, inv: Invocation) -> Reply:
    changed = await channels.set_channel_state(ctx, channel=inv.channel, active=True, now=inv.now)
    await ctx.channel_changed(changed.id)
    return info(inv.t(_("Resumed: a question at {when}.", when=changed.schedule.describe())))


_POST_NOW: Mapping[PostStatus, Message] = {
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


async def _post_now(ctx: AppContext, inv: Invocation) -> Reply:
    found = await channels.get_channel(ctx, channel=inv.channel)
    if found is None:
        raise UserError(channels.NOT_ENROLLED)
    outcome = await rounds.post_round(ctx, channel_id=found.id, now=inv.now, manual=True)
    text = inv.t(_POST_NOW[outcome.status])
    return info(text) if outcome.status is PostStatus.POSTED else error(text)


async def _admin_leaderboard(
    ctx: AppContext, inv: Invocation, *, board: str = "all", public: bool = False
) -> Reply:
    period, longest = standings.parse_board(board)
    t = inv.t
    if public:  # posted to the channel: in the channel's language
        found = await channels.get_channel(ctx, channel=inv.channel)
        t = languages.channel_reader(ctx, found.language if found else None)
    shown = await standings.leaderboard(
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
    return replace(shown.reply, private=not public)


async def _admin_streak(
    ctx: AppContext, inv: Invocation, *, member: str, count: int, reason: str
) -> Reply:
    return await corrections.correct_streak(
        ctx,
        channel=inv.channel,
        admin=inv.user,
        member=member,
        count=count,
        reason=reason,
        now=inv.now,
        t=inv.t,
    )


async def _admin_freezes(ctx: AppContext, inv: Invocation, *, state: str) -> Reply:
    enabled = state == "on"
    await freezes.set_freezes(ctx, channel=inv.channel, enabled=enabled)
    if enabled:
        return info(
            inv.t(_("Streak freezes are on: a missed round spends a freeze instead of a streak."))
        )
    return info(
        inv.t(_("Streak freezes are off: a missed round breaks a streak.")),
        inv.t(_("Members keep the freezes they hold for when you turn them back on.")),
    )


async def _admin_undo(ctx: AppContext, inv: Invocation) -> Reply:
    return await corrections.undo_correction(
        ctx, channel=inv.channel, admin=inv.user, now=inv.now, t=inv.t
    )


async def _admin_language(ctx: AppContext, inv: Invocation, *, code: str) -> Reply:
    chosen = await languages.set_channel_language(ctx, channel=inv.channel, code=code, now=inv.now)
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


async def _admin_export(ctx: AppContext, inv: Invocation) -> Reply:
    return await exports.channel_export(ctx, channel=inv.channel, now=inv.now, t=inv.t)


def _lower(text: str) -> str:
    return text.lower()


# The table. To add a command: write its typed handler above, add a Command here (its
# parameters in the order the text form takes them, its help forms, its usage line), and, on
# Discord, an app command that calls `invoke` with it (tests/services/test_command_table.py
# checks that the two match).
HELP = Command("help", _help)
TODAY = Command("today", _today, (Form("", _("show the current question again")),))
ANSWER = Command(
    "answer",
    _answer,
    (
        Form(
            "TEXT",
            _(
                "answer it; you get private feedback at once "
                "(answer again: your best answer counts)"
            ),
        ),
    ),
    (Param("text", Kind.REST),),
)
STREAK = Command(
    "streak", _streak, (Form("", _("your streak in this channel, and your streak freezes")),)
)
LEADERBOARD = Command(
    "leaderboard",
    _leaderboard,
    (
        Form("[streak|longest|week|month|all|season]", _("top 10, plus your rank")),
        Form("hide | show", _("leave the boards (you still see your rank), or come back")),
    ),
    (Param("board"),),
    usage=LEADERBOARD_USAGE,
)
STATS = Command("stats", _stats, (Form("", _("your practice history")),))
HISTORY = Command(
    "history",
    _history,
    (Form("[PAGE]", _("your recent answers: score and what you missed, newest first")),),
    (Param("page", parse=history.parse_page),),
    usage=history.USAGE,
)
PRACTICE = Command(
    "practice",
    _practice,
    (
        Form(
            "[skip]",
            _("a question just for you, from what you score lowest on; no streak or points"),
        ),
        Form("answer TEXT"),
    ),
    (Param("skip", Kind.FLAG, word="skip"), Param("answer", Kind.REST, word="answer")),
    usage=practice.USAGE,
)
LANGUAGE = Command(
    "language",
    _language,
    (Form("zh | en | auto", _("the language of your replies (auto: your app's)")),),
    (Param("code", required=True),),
    usage=LANGUAGE_USAGE,
)
FORGET_ME = Command(
    "forget-me",
    _forget_me,
    (
        Form(
            "",
            _(
                "delete everything stored about you here "
                "(asks first; /scale forget-me confirm at once)"
            ),
        ),
    ),
    (Param("confirm", Kind.FLAG, word="confirm"),),
    usage=members.FORGET_USAGE,
)
EXPORT_ME = Command(
    "export-me", _export_me, (Form("", _("everything stored about you, as a JSON file")),)
)
REMIND = Command(
    "remind",
    reminders.remind_command,
    (
        Form(
            "on | off",
            _("a private nudge 3 hours before the round closes while a streak of 3+ is at stake"),
        ),
    ),
    (Param("state", required=True, parse=_lower, choices=("on", "off")),),
    usage=reminders.REMIND_USAGE,
)
COMMANDS: tuple[Command[...], ...] = (
    HELP,
    TODAY,
    ANSWER,
    STREAK,
    LEADERBOARD,
    STATS,
    HISTORY,
    PRACTICE,
    LANGUAGE,
    REMIND,
    FORGET_ME,
    EXPORT_ME,
)

SETUP = Command(
    "setup",
    _setup,
    (Form("HH:MM ZONE [daily|weekdays]", _("enroll this channel")),),
    (Param("time", required=True), Param("zone", required=True), Param("days")),
    admin=True,
    usage=SETUP_USAGE,
)
PAUSE = Command("pause", _pause, (Form("", _("stop or restart the daily post")),), admin=True)
RESUME = Command("resume", _resume, (Form(),), admin=True, shown_with="pause")
POST_NOW = Command("post-now", _post_now, (Form("", _("post today's round now")),), admin=True)
ADMIN_LEADERBOARD = Command(
    "leaderboard",
    _admin_leaderboard,
    (
        Form(
            "[streak|longest|week|month|all|season] [public]",
            _("the full board (hidden members too, unless posted)"),
        ),
    ),
    (Param("board"), Param("public", Kind.FLAG, word="public")),
    admin=True,
    usage=_("Usage: /scale admin leaderboard [{boards}] [public]", boards="|".join(BOARDS)),
)
ADMIN_STREAK = Command(
    "streak",
    _admin_streak,
    (Form("@member N reason", _("correct a member's streak (kept in an audit trail)")),),
    (
        Param("member", required=True),
        Param("count", required=True, parse=corrections.parse_count),
        Param("reason", Kind.REST, required=True),
    ),
    admin=True,
    usage=corrections.USAGE,
)
UNDO = Command(
    "undo",
    _admin_undo,
    (Form("", _("revert the newest streak correction in this channel")),),
    admin=True,
    usage=_("Usage: /scale admin undo (it reverts the newest streak correction)."),
)
FREEZES = Command(
    "freezes",
    _admin_freezes,
    (Form("on | off", _("let missed rounds spend earned streak freezes, or not")),),
    (Param("state", required=True, parse=_lower, choices=("on", "off")),),
    admin=True,
    usage=_("Usage: /scale admin freezes on|off"),
)
ADMIN_LANGUAGE = Command(
    "language",
    _admin_language,
    (Form("zh | en", _("the channel's language for its public posts")),),
    (Param("code", required=True),),
    admin=True,
    usage=ADMIN_LANGUAGE_USAGE,
)
EXPORT = Command(
    "export",
    _admin_export,
    (Form("", _("this channel's answers, scores and streaks as a CSV file")),),
    admin=True,
    usage=_("Usage: /scale admin export (the channel's answers as a CSV file)."),
)
TOPICS = Command(
    "topics",
    channel_commands.admin_topics,
    (Form("[TOPIC,TOPIC | all]", _("ask only these topics; no topic shows them")),),
    (Param("topics", Kind.WORDS),),
    admin=True,
)
DIFFICULTY = Command(
    "difficulty",
    channel_commands.admin_difficulty,
    (Form("[easy,medium,hard | all]", _("ask only these difficulties")),),
    (Param("levels", Kind.WORDS),),
    admin=True,
)
SKIP = Command(
    "skip",
    channel_commands.admin_skip,
    (
        Form(
            "YYYY-MM-DD | list",
            _("no round on a date (a holiday), the dates skipped, or a date back"),
        ),
    ),
    (Param("date", required=True),),
    admin=True,
    usage=skips.SKIP_USAGE,
)
UNSKIP = Command(
    "unskip",
    channel_commands.admin_unskip,
    (Form("YYYY-MM-DD"),),
    (Param("date", required=True),),
    admin=True,
    usage=skips.SKIP_USAGE,
    shown_with="skip",
)
SEASON = Command(
    "season",
    channel_commands.admin_season,
    (Form("start NAME", _("a fresh points board from the next round on; all-time history stays")),),
    (Param("start", Kind.REST, word="start"),),
    admin=True,
    usage=seasons.SEASON_USAGE,
)
DIGEST = Command(
    "digest",
    channel_commands.admin_digest,
    (
        Form(
            "on | off",
            _(
                "last week's top streaks, most improved and hardest question "
                "on each week's first round"
            ),
        ),
    ),
    (Param("state", required=True, parse=_lower, choices=("on", "off")),),
    admin=True,
    usage=digests.DIGEST_USAGE,
)
PING = Command(
    "ping",
    channel_commands.admin_ping,
    (
        Form(
            "@role | off",
            _("ping a role (Slack: a user group) on each daily post, and nobody else"),
        ),
    ),
    (Param("target"),),
    admin=True,
    usage=pings.PING_USAGE,
)
ADMIN_COMMANDS: tuple[Command[...], ...] = (
    SETUP,
    PAUSE,
    RESUME,
    POST_NOW,
    ADMIN_LEADERBOARD,
    ADMIN_STREAK,
    UNDO,
    FREEZES,
    ADMIN_LANGUAGE,
    EXPORT,
    TOPICS,
    DIFFICULTY,
    SKIP,
    UNSKIP,
    SEASON,
    PING,
    DIGEST,
)


def find(name: str, *, admin: bool = False) -> Command[...] | None:
    """The command of this name (an admin subcommand with `admin`), or None."""
    table = ADMIN_COMMANDS if admin else COMMANDS
    return next((command for command in table if command.name == name.lower()), None)


async def _confirm_forget(ctx: AppContext, inv: Invocation) -> Reply:
    return await invoke(ctx, inv, FORGET_ME, confirm=True)


# Commands a reply's button may run when pressed (anything else in a button is refused).
BUTTONS: Mapping[str, Callable[[AppContext, Invocation], Awaitable[Reply]]] = {
    members.FORGET_CONFIRM: _confirm_forget,
}
BUTTON_COMMANDS = frozenset(BUTTONS)
