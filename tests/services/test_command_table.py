"""The command table: help lists every command, and each entry matches its handler."""

from __future__ import annotations

import inspect

import pytest

from scalebot.locales import ENGLISH
from scalebot.services.commands import (
    ADMIN_COMMANDS,
    BUTTONS,
    COMMANDS,
    HELP,
    Command,
    Kind,
    help_reply,
)

TABLE = (*COMMANDS, *ADMIN_COMMANDS)


def help_syntax(*, is_admin: bool) -> list[str]:
    """The command column of every help line (what comes before the description)."""
    reply = help_reply(is_admin=is_admin, t=ENGLISH)
    lines = [line for field in reply.fields for line in field.value.splitlines()]
    return [line.split(" — ")[0] for line in lines]


def named_in(command: Command[...], syntax: list[str]) -> bool:
    """Tell whether a help line starts with the command, or names it after a | or a ·."""
    prefix = "/scale admin " if command.admin else "/scale "
    words = [f"{prefix}{command.name}", f"| {command.name}"]
    return any(
        line.startswith(words[0]) or words[1] in line or f"· {words[0]}" in line for line in syntax
    )


@pytest.mark.parametrize("command", [c for c in TABLE if c is not HELP], ids=lambda c: c.written)
def test_every_command_is_in_the_admins_help(command: Command[...]) -> None:
    assert named_in(command, help_syntax(is_admin=True))


def test_members_see_every_member_command_and_no_admin_one() -> None:
    syntax = help_syntax(is_admin=False)
    assert all(named_in(command, syntax) for command in COMMANDS if command is not HELP)
    assert not any(line.startswith("/scale admin") for line in syntax)


def test_help_lines_come_in_the_tables_order() -> None:
    starts = [line.split()[2] for line in help_syntax(is_admin=True) if "/scale admin " in line]
    listed = [c.name for c in ADMIN_COMMANDS if c.shown_with is None]
    assert starts == listed


@pytest.mark.parametrize("command", TABLE, ids=lambda c: c.written)
def test_parameters_are_the_handlers_keywords(command: Command[...]) -> None:
    signature = inspect.signature(command.handler).parameters.values()
    keywords = {p.name: p for p in signature if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(keywords) == {param.name for param in command.params}
    for param in command.params:
        has_default = keywords[param.name].default is not inspect.Parameter.empty
        assert has_default != param.required, param.name


@pytest.mark.parametrize("command", TABLE, ids=lambda c: c.written)
def test_commands_that_can_refuse_input_say_how_to_use_them(command: Command[...]) -> None:
    strict = any(p.required or p.choices or p.kind is Kind.FLAG for p in command.params)
    assert command.usage is not None or not strict


def test_names_are_unique_and_lower_case() -> None:
    for table in (COMMANDS, ADMIN_COMMANDS):
        names = [command.name for command in table]
        assert len(names) == len(set(names))
        assert all(name == name.lower() for name in names)


def test_a_command_shown_with_another_has_no_description_of_its_own() -> None:
    for command in TABLE:
        if command.shown_with is not None:
            assert all(form.description is None for form in command.forms)
            assert any(other.name == command.shown_with for other in TABLE)


def test_buttons_name_commands_of_the_table() -> None:
    assert all(text.split()[0] in {c.name for c in COMMANDS} for text in BUTTONS)
