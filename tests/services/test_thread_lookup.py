"""Thread answers: finding the round from its message, grading once per delivery; /scale today."""

from __future__ import annotations

from datetime import UTC, datetime

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Tone
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.locales import ENGLISH
from scalebot.platforms.text_commands import run_command
from scalebot.services import answers, channels, rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, reply_of
from tests.conftest import ALICE, CHANNEL, FakeMessenger

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


async def _alice() -> UserRef:
    return ALICE


async def test_a_thread_reply_is_graded_once_per_delivery(ctx: AppContext) -> None:
    round_id = await posted_round(ctx)

    async def reply(event_id: str, text: str) -> answers.AnswerOutcome | None:
        return await answers.answer_in_thread(
            ctx,
            channel=CHANNEL,
            message_ref=f"msg-{round_id}",
            event_id=event_id,
            author=_alice,
            text=text,
            now=NOW,
        )

    first = await reply("e1", "Shard the data and add replicas because load grows.")
    assert first is not None
    assert (first.round_id, first.stored) == (round_id, True)
    assert await reply("e1", "the same delivery again") is None
    later = await reply("e2", "Just a comment in the discussion.")
    assert later is not None
    assert not later.stored  # a thread reply never replaces the member's answer


async def test_a_reply_outside_a_question_thread_is_not_graded_and_asks_nobody(
    ctx: AppContext,
) -> None:
    await posted_round(ctx)
    asked: list[str] = []

    async def author() -> UserRef:
        asked.append("looked up")
        return ALICE

    outcome = await answers.answer_in_thread(
        ctx,
        channel=CHANNEL,
        message_ref="msg-other",
        event_id="e3",
        author=author,
        text="hello",
        now=NOW,
    )
    assert outcome is None
    assert asked == []


async def test_bad_input_becomes_the_error_reply(ctx: AppContext) -> None:
    round_id = await posted_round(ctx)
    reply = await reply_of(
        answers.answer_in_thread(
            ctx,
            channel=CHANNEL,
            message_ref=f"msg-{round_id}",
            event_id="e4",
            author=_alice,
            text="   ",
            now=NOW,
        ),
        ENGLISH,
    )
    assert reply is not None
    assert reply.tone is Tone.ERROR
    assert reply.title == str(answers.EMPTY_ANSWER)


async def test_a_reply_under_a_post_not_yet_confirmed_is_graded(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
    info = await channels.enroll_channel(ctx, channel=CHANNEL, schedule=schedule, now=NOW)
    messenger.lose_replies = 1  # the post went out; its reply (with the message id) was lost
    outcome = await rounds.post_round(ctx, channel_id=info.id, now=NOW)
    assert outcome.round_id is not None
    assert outcome.seq is None  # not confirmed yet
    graded = await answers.answer_in_thread(
        ctx,
        channel=CHANNEL,
        message_ref=f"msg-{outcome.round_id}",
        event_id="e1",
        author=_alice,
        text="Shard the data and add replicas because load grows.",
        now=NOW,
    )
    assert graded is not None
    assert (graded.round_id, graded.stored) == (outcome.round_id, True)
