"""The longest-streak board, and members who hide from the boards (admins see everyone)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scalebot.domain.refs import UserRef
from scalebot.platforms.text_commands import run_command
from scalebot.services import standings
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, UserError
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import STRONG, WEAK, answer, post, setup_days

BOARDS = (None, standings.Period.WEEK, standings.Period.MONTH, standings.Period.ALL)


async def test_longest_board_ranks_by_longest_streak_even_after_it_broke(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 5)
    for day in range(5):
        now = await post(ctx, channel_id, day)
        if day < 3:
            await answer(ctx, ALICE, WEAK, now)
        if day >= 3:
            await answer(ctx, BOB, STRONG, now + timedelta(minutes=1))
    current = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now)
    longest = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now, longest=True)
    assert [(row.name, row.streak) for row in current.rows] == [("Bob", 2), ("Alice", 0)]
    assert [(row.name, row.streak, row.rank) for row in longest.rows] == [
        ("Alice", 3, 1),
        ("Bob", 2, 2),
    ]
    assert longest.reply.title == "Leaderboard by longest streak"
    assert "1. Alice (you): longest streak 3" in longest.reply.plain_text()


async def test_longest_board_viewer_far_down_gets_rank_by_count(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    members = [UserRef("test", "W1", f"U{n:02d}", f"Member {n:02d}") for n in range(11)]
    for number, member in enumerate(members):
        await answer(ctx, member, WEAK, now + timedelta(minutes=number))
    now = await post(ctx, channel_id, 1)
    for number, member in enumerate(members):
        await answer(ctx, member, WEAK, now + timedelta(minutes=number))
    await answer(ctx, ALICE, STRONG, now + timedelta(minutes=30))
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now, longest=True)
    assert len(board.rows) == 10
    assert board.viewer is not None
    assert (board.viewer.rank, board.viewer.streak) == (12, 1)
    # Equal longest streaks and points: who reached it first comes first.
    assert [row.name for row in board.rows][:2] == ["Member 00", "Member 01"]


async def test_hidden_member_is_left_off_member_boards_but_sees_own_rank(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, STRONG, now)
    await answer(ctx, BOB, WEAK, now + timedelta(minutes=1))
    await standings.set_hidden(ctx, channel=CHANNEL, user=ALICE, hidden=True, now=now)
    for period in BOARDS:
        for longest in (False, True) if period is None else (False,):
            seen_by_bob = await standings.leaderboard(
                ctx, channel=CHANNEL, viewer=BOB, now=now, period=period, longest=longest
            )
            assert [(row.name, row.rank) for row in seen_by_bob.rows] == [("Bob", 1)]
            assert "Alice" not in seen_by_bob.reply.plain_text()
            seen_by_alice = await standings.leaderboard(
                ctx, channel=CHANNEL, viewer=ALICE, now=now, period=period, longest=longest
            )
            assert seen_by_alice.viewer is not None
            assert (seen_by_alice.viewer.rank, seen_by_alice.viewer.hidden) == (1, True)
            assert "Alice (you, hidden)" in seen_by_alice.reply.plain_text()
            admin = await standings.leaderboard(
                ctx, channel=CHANNEL, viewer=None, now=now, period=period, everyone=True
            )
            assert [(row.name, row.hidden) for row in admin.rows] == [
                ("Alice", True),
                ("Bob", False),
            ]
            assert "Alice (hidden)" in admin.reply.plain_text()


async def test_hidden_viewer_ranks_among_those_shown(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, BOB, STRONG, now)
    await answer(ctx, ALICE, WEAK, now + timedelta(minutes=1))
    await standings.set_hidden(ctx, channel=CHANNEL, user=BOB, hidden=True, now=now)
    board = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=ALICE, now=now, period=standings.Period.ALL
    )
    assert [(row.name, row.rank) for row in board.rows] == [("Alice", 1)]


async def test_show_brings_a_member_back_and_hiding_first_hides_later_points(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    await standings.set_hidden(ctx, channel=CHANNEL, user=ALICE, hidden=True, now=now)
    await answer(ctx, ALICE, STRONG, now)
    for period in BOARDS:
        board = await standings.leaderboard(
            ctx, channel=CHANNEL, viewer=None, now=now, period=period
        )
        assert board.rows == ()
    now = await post(ctx, channel_id, 1)  # a new week total and streak under the hidden flag
    await answer(ctx, ALICE, STRONG, now)
    await standings.set_hidden(ctx, channel=CHANNEL, user=ALICE, hidden=False, now=now)
    for period in BOARDS:
        board = await standings.leaderboard(
            ctx, channel=CHANNEL, viewer=None, now=now, period=period
        )
        assert [(row.name, row.hidden) for row in board.rows] == [("Alice", False)]


async def test_leaderboard_commands(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, STRONG, now)
    await answer(ctx, BOB, WEAK, now)
    member = Invocation(CHANNEL, BOB, is_admin=False, now=now)
    admin = Invocation(CHANNEL, ALICE, is_admin=True, now=now)
    assert (await run_command(ctx, member, "leaderboard longest")).title == (
        "Leaderboard by longest streak"
    )
    hidden = await run_command(ctx, admin, "leaderboard hide")
    assert hidden.title.startswith("You are hidden")
    assert "Alice" not in (await run_command(ctx, member, "leaderboard week")).body
    # Admins see everyone, on the member command too.
    assert "Alice (you, hidden)" in (await run_command(ctx, admin, "leaderboard")).body
    private = await run_command(ctx, admin, "admin leaderboard longest")
    assert "Alice (you, hidden)" in private.body
    public = await run_command(ctx, admin, "admin leaderboard streak public")
    assert not public.private
    assert "Alice" not in public.body
    assert (await run_command(ctx, admin, "leaderboard show")).title.startswith("You are back")
    assert "Alice" in (await run_command(ctx, member, "leaderboard")).body
    bad = await run_command(ctx, member, "leaderboard fastest")
    assert bad.title == "'fastest' is not a board: use streak, longest, week, month, all or season."


def test_parse_board() -> None:
    assert standings.parse_board("Longest") == (None, True)
    assert standings.parse_board("streak") == (None, False)
    assert standings.parse_board("month") == (standings.Period.MONTH, False)
    with pytest.raises(UserError):
        standings.parse_board("year")
