"""Admin export: the channel's answers, scores and streaks as CSV, for admins only."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Tone
from scalebot.platforms.text_commands import run_command
from scalebot.services.commands import ADMIN_ONLY, Invocation
from scalebot.services.context import AppContext
from scalebot.services.exports import COLUMNS, cell
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import STRONG, WEAK, answer, post, setup_days


def rows(data: bytes) -> list[dict[str, str]]:
    """The CSV's rows, read the way a spreadsheet would (UTF-8 with a byte-order mark)."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_admin_export_lists_every_answer_with_scores_and_streaks(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    alice_first = await answer(ctx, ALICE, STRONG, now)
    bob_first = await answer(ctx, BOB, WEAK, now)
    now = await post(ctx, channel_id, 1)
    await answer(ctx, ALICE, WEAK, now)
    admin = Invocation(CHANNEL, UserRef("test", "W1", "U-admin", "Ada"), True, now)
    reply = await run_command(ctx, admin, "admin export")
    [export] = reply.attachments
    assert export.media_type == "text/csv"
    assert export.name == f"scalebot-channel-{CHANNEL.channel_id}-{now.date().isoformat()}.csv"
    table = rows(export.data)
    assert list(table[0]) == list(COLUMNS)
    assert [(r["member_name"], r["round_date"]) for r in table] == [
        ("Alice", "2026-03-02"),
        ("Bob", "2026-03-02"),
        ("Alice", "2026-03-03"),
    ]
    assert [table[0]["score"], table[1]["score"]] == [str(alice_first), str(bob_first)]
    assert table[0]["answer"] == STRONG
    assert (table[0]["current_streak"], table[0]["longest_streak"]) == ("2", "2")
    assert (table[1]["current_streak"], table[1]["longest_streak"]) == ("1", "1")  # still open
    assert reply.title == "Channel export: 3 answers"
    assert "From 2 members" in reply.body


async def test_members_cannot_export_the_channel(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, STRONG, now)
    reply = await run_command(ctx, Invocation(CHANNEL, ALICE, False, now), "admin export")
    assert reply.tone is Tone.ERROR
    assert reply.title == str(ADMIN_ONLY)
    assert reply.attachments == ()


async def test_an_answer_that_looks_like_a_formula_stays_text(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    formula = '=HYPERLINK("http://example.invalid","shard the data and cache reads")'
    await answer(ctx, replace(ALICE, display_name="@Alice"), formula, now)
    admin = Invocation(CHANNEL, BOB, True, now)
    [export] = (await run_command(ctx, admin, "admin export")).attachments
    [row] = rows(export.data)
    assert row["answer"] == "'" + formula
    assert row["member_name"] == "'@Alice"


def test_cells_that_start_like_formulas_are_quoted() -> None:
    assert [cell(v) for v in ("=1+1", "+1", "-2", "@x", "plain", 42, None)] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@x",
        "plain",
        "42",
        "",
    ]


async def test_export_takes_no_arguments(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    admin = Invocation(CHANNEL, BOB, True, await post(ctx, channel_id, 0))
    reply = await run_command(ctx, admin, "admin export everything")
    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("Usage: /scale admin export")
