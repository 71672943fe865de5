"""The /scale text grammar: text read into the typed arguments of the table's commands."""

from __future__ import annotations

import pytest

from scalebot.platforms.text_commands import arguments, split_first
from scalebot.services import commands
from scalebot.services.commands import BUTTONS, Command
from scalebot.services.context import UserError


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        (commands.ANSWER, "I would  shard\nit", {"text": "I would  shard\nit"}),
        (commands.ANSWER, "", {}),
        (commands.LEADERBOARD, "week", {"board": "week"}),
        (commands.HISTORY, "2", {"page": 2}),
        (commands.SETUP, "09:00 'Europe/Berlin'", {"time": "09:00", "zone": "Europe/Berlin"}),
        (commands.ADMIN_LEADERBOARD, "week public", {"board": "week", "public": True}),
        (commands.ADMIN_LEADERBOARD, "PUBLIC", {"public": True}),
        (
            commands.ADMIN_STREAK,
            "@sam 12 bot  outage",
            {"member": "@sam", "count": 12, "reason": "bot  outage"},
        ),
        (commands.FREEZES, "ON", {"state": "on"}),
        (commands.TOPICS, "caching, queues", {"topics": "caching, queues"}),
        (commands.TOPICS, "", {}),
        (commands.SEASON, "start Spring  cup", {"start": "Spring  cup"}),
        (commands.SEASON, "", {}),
        (commands.PRACTICE, "skip", {"skip": True}),
        (commands.PRACTICE, "answer shard it", {"answer": "shard it"}),
        (commands.FORGET_ME, "confirm", {"confirm": True}),
        (commands.PAUSE, "now please", {}),
    ],
)
def test_text_is_read_into_typed_arguments(
    command: Command[...], text: str, expected: dict[str, object]
) -> None:
    assert arguments(command, text) == expected


@pytest.mark.parametrize(
    ("command", "text", "refusal"),
    [
        (commands.LEADERBOARD, "week month", commands.LEADERBOARD_USAGE),
        (commands.SETUP, "09:00", commands.SETUP_USAGE),
        (commands.ADMIN_STREAK, "@sam 12", commands.ADMIN_STREAK.usage),
        (commands.SEASON, "begin Spring", commands.SEASON.usage),
        (commands.PRACTICE, "later", commands.PRACTICE.usage),
        (commands.FORGET_ME, "now", commands.FORGET_ME.usage),
        (commands.UNDO, "twice", commands.UNDO.usage),
    ],
)
def test_text_that_does_not_fit_gets_the_commands_usage(
    command: Command[...], text: str, refusal: object
) -> None:
    with pytest.raises(UserError) as refused:
        arguments(command, text)
    assert refused.value.message == refusal


def test_a_typed_value_is_refused_with_its_own_message() -> None:
    with pytest.raises(UserError) as refused:
        arguments(commands.ADMIN_STREAK, "@sam lots of reasons")
    assert "'lots' is not a streak" in str(refused.value.message)


def test_each_button_reads_as_the_command_it_runs() -> None:
    for text in BUTTONS:
        name, rest = split_first(text)
        command = commands.find(name)
        assert command is not None
        assert arguments(command, rest) == {"confirm": True}
