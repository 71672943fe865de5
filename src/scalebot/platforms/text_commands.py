"""The /scale text grammar, where commands arrive as text (Slack's slash command, the console).

The text after `/scale` names a command of `services.commands` and its arguments; this module
reads them into the typed call Discord makes with its options, by the table's parameters.
"""

from __future__ import annotations

import difflib
import shlex

from scalebot.domain.replies import Reply, error
from scalebot.locales import Message, _
from scalebot.services import commands
from scalebot.services.commands import Command, Invocation, Kind, Param
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, UserError

# An answer at the limit, plus the command word and some spacing.
MAX_COMMAND_CHARS = MAX_ANSWER_CHARS + 100
# How much of a mistyped command's arguments a suggestion repeats.
SHOWN_ARGUMENTS = 40


async def run_command(ctx: AppContext, invocation: Invocation, text: str) -> Reply:
    """Run the text after `/scale` and return the reply; bad input gets a one-line message."""

    async def run(inv: Invocation) -> Reply:
        return await _run(ctx, inv, text)

    return await commands.respond(ctx, invocation, run)


async def _run(ctx: AppContext, inv: Invocation, text: str) -> Reply:
    """Find the command the text names, read its arguments and run it."""
    if len(text) > MAX_COMMAND_CHARS:  # before any parsing: shlex is slow on huge text
        return error(inv.t(too_long(text)))
    name, rest = split_first(text)
    if name.lower() == "admin":
        if not inv.is_admin:
            return error(inv.t(commands.ADMIN_ONLY))
        name, rest = split_first(rest, default="")
        command = commands.find(name, admin=True)
        if command is None:
            return error(inv.t(unknown_admin_command(name)))
    else:
        command = commands.find(name)
        if command is None:
            return error(inv.t(unknown_command(name, rest)))
    return await commands.call(ctx, inv, command, **arguments(command, rest))


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
    names = [command.name for command in commands.COMMANDS] + ["admin"]
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    if not close:
        return _("Unknown command '{name}': try /scale help.", name=name)
    shown = rest.strip() if len(rest.strip()) <= SHOWN_ARGUMENTS else "…"
    meant = " ".join(part for part in ("/scale", close[0], shown) if part)
    return _("Unknown command '{name}': did you mean {meant}?", name=name, meant=meant)


def unknown_admin_command(name: str) -> Message:
    """Refuse a missing or unknown admin subcommand, listing them all."""
    choices = ", ".join(command.name for command in commands.ADMIN_COMMANDS)
    if not name:
        return _("Name an admin command: {choices}.", choices=choices)
    return _("Unknown admin command '{name}': use {choices}.", name=name, choices=choices)


def split_first(text: str, *, default: str = "help") -> tuple[str, str]:
    """Split off the first word; the rest is kept exactly as typed."""
    stripped = text.strip()
    if not stripped:
        return default, ""
    parts = stripped.split(maxsplit=1)
    return parts[0], stripped[len(parts[0]) :].lstrip(" ") if len(parts) > 1 else ""


def arguments(command: Command[...], text: str) -> dict[str, object]:
    """The typed arguments the text gives the command; text that does not fit gets its usage."""
    if any(param.kind is Kind.REST for param in command.params):
        written = _free_text(command, text)
    else:
        written = _words_given(command, words(text))
    if written is None or any(p.required and p.name not in written for p in command.params):
        raise UserError(commands.refusal(command))
    by_name = {param.name: param for param in command.params}
    return {
        name: value if isinstance(value, bool) else by_name[name].parse(value)
        for name, value in written.items()
    }


def words(text: str) -> list[str]:
    """Split arguments like a shell would, falling back to whitespace on unbalanced quotes."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _words_given(command: Command[...], given: list[str]) -> dict[str, str | bool] | None:
    """Flags from the end, then one word per parameter in order; None if words are left over."""
    written: dict[str, str | bool] = {}
    for param in reversed(command.params):
        if param.kind is Kind.FLAG and given and given[-1].lower() == param.word:
            written[param.name] = True
            given = given[:-1]
    for param in command.params:
        if param.kind is Kind.WORDS and given:
            written[param.name] = " ".join(given)
            given = []
        elif param.kind is Kind.WORD and given:
            written[param.name], given = given[0], given[1:]
    return None if given and command.usage is not None else written


def _free_text(command: Command[...], text: str) -> dict[str, str | bool] | None:
    """Words split on spaces, then the free text as typed (after its word, if it has one)."""
    written: dict[str, str | bool] = {}
    rest = text
    for param in command.params:
        if param.kind is Kind.WORD and rest.strip():
            written[param.name], rest = split_first(rest)
    free = next(param for param in command.params if param.kind is Kind.REST)
    first, after = split_first(rest, default="")
    if free.word and first.lower() == free.word:
        written[free.name] = after
    elif not free.word and rest.strip():
        written[free.name] = rest
    else:
        return _trailing_flags(command.params, rest, written)
    return written


def _trailing_flags(
    params: tuple[Param, ...], rest: str, written: dict[str, str | bool]
) -> dict[str, str | bool] | None:
    """The flags the words left are, or None if any is not one."""
    flags = {param.word: param.name for param in params if param.kind is Kind.FLAG}
    for word in rest.split():
        if word.lower() not in flags:
            return None
        written[flags[word.lower()]] = True
    return written
