"""Points seasons: a fresh points board from the next round on; all-time history stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scalebot.domain.replies import Tone
from scalebot.platforms.text_commands import run_command
from scalebot.services import standings
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import MONDAY_9, STRONG, WEAK, answer, post, setup_days

ADMIN = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=MONDAY_9)


async def board(ctx: AppContext, period: standings.Period, day: int) -> list[tuple[str, int]]:
    """(name, points) on a points board as seen on day `day`."""
    now = MONDAY_9 + timedelta(days=day, hours=1)
    view = await standings.leaderboard(ctx, channel=CHANNEL, viewer=None, now=now, period=period)
    return [(row.name, row.points) for row in view.rows]


async def test_a_season_counts_rounds_after_its_start_and_all_time_keeps_everything(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 3)
    now = await post(ctx, channel_id, 0)
    alice_monday = await answer(ctx, ALICE, STRONG, now)
    started = await run_command(ctx, replace(ADMIN, now=now), "admin season start Spring 2026")
    assert started.tone is Tone.INFO
    assert started.title == "Season Spring 2026 starts with the next round."
    late_bob = await answer(ctx, BOB, WEAK, now + timedelta(minutes=5))  # Monday still
    assert await board(ctx, standings.Period.SEASON, 0) == []
    now = await post(ctx, channel_id, 1)
    bob_tuesday = await answer(ctx, BOB, WEAK, now)
    assert await board(ctx, standings.Period.SEASON, 1) == [("Bob", bob_tuesday)]
    assert dict(await board(ctx, standings.Period.ALL, 1)) == {
        "Alice": alice_monday,
        "Bob": late_bob + bob_tuesday,
    }
    shown = await run_command(ctx, replace(ADMIN, now=now), "leaderboard season")
    assert shown.title == "Leaderboard by points (this season): Spring 2026"


async def test_a_chinese_reader_sees_the_season_board_framed_in_chinese(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    await post(ctx, channel_id, 0)
    await run_command(ctx, ADMIN, "admin season start Spring 2026 春季赛")
    await run_command(ctx, ADMIN, "language zh")
    shown = await run_command(ctx, ADMIN, "leaderboard season")
    assert shown.title == "排行榜：积分（赛季“Spring 2026 春季赛”）"
    await run_command(ctx, ADMIN, "admin language zh")
    await run_command(ctx, ADMIN, "language en")
    posted = await run_command(ctx, ADMIN, "admin leaderboard season public")
    assert not posted.private  # in the channel's language, whoever asked
    assert posted.title == "排行榜：积分（赛季“Spring 2026 春季赛”）"


async def test_a_new_season_starts_from_zero(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 3)
    await post(ctx, channel_id, 0)
    await run_command(ctx, ADMIN, "admin season start One")
    now = await post(ctx, channel_id, 1)
    await answer(ctx, ALICE, STRONG, now)
    assert [name for name, _points in await board(ctx, standings.Period.SEASON, 1)] == ["Alice"]
    await run_command(ctx, replace(ADMIN, now=now), "admin season start Two")
    assert await board(ctx, standings.Period.SEASON, 1) == []
    now = await post(ctx, channel_id, 2)
    await answer(ctx, BOB, WEAK, now)
    assert [name for name, _points in await board(ctx, standings.Period.SEASON, 2)] == ["Bob"]
    shown = await run_command(ctx, replace(ADMIN, now=now), "admin season")
    assert shown.title == "Season Two, since Mar 3, 2026."


async def test_season_commands_refuse_bad_input_in_one_line(ctx: AppContext) -> None:
    await setup_days(ctx, 1)
    before = await run_command(ctx, ADMIN, "leaderboard season")
    assert before.tone is Tone.ERROR
    assert before.title.startswith("No season is running here: an admin starts one")
    assert (await run_command(ctx, ADMIN, "admin season start")).title.startswith("Usage:")
    assert (await run_command(ctx, ADMIN, "admin season begin X")).title.startswith("Usage:")
    long_name = "x" * 81
    refused = await run_command(ctx, ADMIN, f"admin season start {long_name}")
    assert refused.title == "A season name may be 80 characters."
    await run_command(ctx, ADMIN, "admin season start First")
    again = await run_command(ctx, ADMIN, "admin season start Second")
    assert again.title == "A season started here today already: start the next one tomorrow."
    member = await run_command(ctx, replace(ADMIN, is_admin=False), "admin season start Mine")
    assert member.title.startswith("Only channel admins")
    assert (await run_command(ctx, ADMIN, "admin season")).title.startswith("Season First")
