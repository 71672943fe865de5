"""Finding a round from its posted message (thread answers), and /scale today staying private."""

from __future__ import annotations

from datetime import UTC, datetime

from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.services import channels, rounds
from scalebot.services.commands import Invocation, run_command
from scalebot.services.context import AppContext
from tests.conftest import ALICE, CHANNEL

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def posted_round(ctx: AppContext) -> int:
    """Enroll the channel, post a round, and return its id."""
    schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
    info = await channels.enroll_channel(ctx, channel=CHANNEL, schedule=schedule, now=NOW)
    outcome = await rounds.post_round(ctx, channel_id=info.id, now=NOW)
    assert outcome.round_id is not None
    return outcome.round_id


async def test_round_for_message_finds_the_round_posted_as_that_message(ctx: AppContext) -> None:
    round_id = await posted_round(ctx)
    found = await rounds.round_for_message(ctx, channel=CHANNEL, message_ref=f"msg-{round_id}")
    assert found == round_id


async def test_round_for_message_ignores_other_messages_and_channels(ctx: AppContext) -> None:
    round_id = await posted_round(ctx)
    other = ChannelRef("test", "W1", "C2")
    assert await rounds.round_for_message(ctx, channel=CHANNEL, message_ref="msg-other") is None
    assert await rounds.round_for_message(ctx, channel=other, message_ref=f"msg-{round_id}") is None


async def test_today_is_a_private_reply(ctx: AppContext) -> None:
    await posted_round(ctx)
    reply = await run_command(ctx, Invocation(CHANNEL, ALICE, False, NOW), "today")
    assert reply.private
    assert reply.body
