"""The console as a tool: mistyped commands, pasted answers, zones in any case, a paused clock."""

from __future__ import annotations

from scalebot.domain.refs import UserRef
from scalebot.platforms.console_input import group_commands
from scalebot.services import members
from scalebot.services.context import AppContext
from tests.platforms.test_console import transcript

DANA = UserRef("console", "local", "dana", "Dana")
PASTED = [
    "/scale answer I would shard the data by user id because one node cannot hold it.",
    "Then add a read-through cache in front of the database,",
    "and autoscale the workers on queue depth.",
    "/scale history",
]


def test_lines_after_an_answer_belong_to_it_until_the_next_command() -> None:
    assert list(group_commands(PASTED)) == ["\n".join(PASTED[:3]), "/scale history"]
    assert list(group_commands(["/advance 1d", "hello"])) == ["/advance 1d", "hello"]
    pasted_at_once = ["/scale answer one\ntwo\n/scale streak"]
    assert list(group_commands(pasted_at_once)) == ["/scale answer one\ntwo", "/scale streak"]


async def test_a_pasted_multi_line_answer_is_graded_whole(ctx: AppContext) -> None:
    out = await transcript(ctx, PASTED)
    assert "is not a command" not in out
    assert out.count("› ") == 2  # two commands: the answer (three lines) and the history
    [stored] = (await members.export_user(ctx, user=DANA))["answers"]
    assert stored["text"] == "\n".join(PASTED[:3]).removeprefix("/scale answer ")


async def test_mistyped_commands_get_a_suggestion(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/scal today", "/scale todya", "scale today", "/advnce 1d", "hm"])
    assert "'/scal today' is not a command: did you mean /scale today?" in out
    assert "Unknown command 'todya': did you mean /scale today?" in out
    assert "'scale today' is not a command: did you mean /scale today?" in out
    assert "did you mean /advance 1d?" in out
    assert "'hm' is not a command: start with /scale, /as, /advance or /quit." in out


async def test_zones_in_any_case(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/scale admin setup 08:00 europe/berlin weekdays"])
    assert "enrolled: a question at 08:00 Europe/Berlin, weekdays" in out


async def test_advance_says_paused_when_the_channel_is_paused(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/scale admin pause", "/advance 1d", "/scale admin resume"])
    assert "(paused: no rounds until /scale admin resume)." in out
    assert out.count("new round") == 1  # only the first, at start
