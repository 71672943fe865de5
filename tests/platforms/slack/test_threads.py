"""Answers as replies in the question's thread: graded once, ✅ reaction, private feedback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from scalebot.services.context import MAX_ANSWER_CHARS, AppContext
from tests.platforms.slack.conftest import ALICE, CHANNEL, SlackBot, config_for, start_bot
from tests.platforms.slack.fake_slack import FakeSlack
from tests.platforms.slack.test_modal import stored_answers

ANSWER = "Put a queue in front of the writers, shard the index, and cache the hottest queries."
REPLY_TS = "1800000000.000200"


def question_ts(slack: SlackBot) -> str:
    """The ts of the daily post (the thread's parent)."""
    return str(slack.fake.calls_to("chat.postMessage")[0].answer["ts"])


def reply_event(thread_ts: str | None, text: str, **extra: Any) -> dict[str, Any]:
    """A message event from Alice, in a thread when `thread_ts` is given."""
    event = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": ALICE,
        "text": text,
        "ts": REPLY_TS,
        "event_ts": REPLY_TS,
        **extra,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


async def test_thread_reply_is_graded_with_a_reaction_and_private_feedback(
    slack: SlackBot,
) -> None:
    await slack.enroll()
    thread = question_ts(slack)
    status, _ = await slack.event(reply_event(thread, ANSWER), event_id="Ev1")
    assert status == 200
    (reaction,) = slack.fake.calls_to("reactions.add")
    params = reaction.params
    assert (params["channel"], params["timestamp"], params["name"]) == (
        CHANNEL,
        REPLY_TS,
        "white_check_mark",
    )
    (feedback,) = slack.fake.calls_to("chat.postEphemeral")
    assert (feedback.params["user"], feedback.params["thread_ts"]) == (ALICE, thread)
    assert feedback.params["text"].startswith("Score ")
    assert [a["text"] for a in await stored_answers(slack)] == [ANSWER]


async def test_a_retried_delivery_changes_nothing(slack: SlackBot) -> None:
    await slack.enroll()
    event = reply_event(question_ts(slack), ANSWER)
    await slack.event(event, event_id="Ev1")
    status, _ = await slack.event(event, event_id="Ev1", retry=1)
    await slack.event(event, event_id="Ev1", retry=2)
    assert status == 200
    assert len(slack.fake.calls_to("reactions.add")) == 1
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1
    assert [a["revision"] for a in await stored_answers(slack)] == [1]


async def test_a_second_reply_is_discussion_and_keeps_the_answer(slack: SlackBot) -> None:
    await slack.enroll()
    thread = question_ts(slack)
    await slack.event(reply_event(thread, ANSWER), event_id="Ev1")
    await slack.event(reply_event(thread, "Agree with Bob about the GPUs."), event_id="Ev2")
    assert [(a["revision"], a["text"]) for a in await stored_answers(slack)] == [(1, ANSWER)]
    last = slack.fake.calls_to("chat.postEphemeral")[-1]
    assert "earlier answer to this round stands" in str(last.params)


async def test_thread_text_is_unescaped(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.event(
        reply_event(question_ts(slack), "p99 &lt; 50ms &amp; no &gt; 2 hops"), event_id="E"
    )
    assert [a["text"] for a in await stored_answers(slack)] == ["p99 < 50ms & no > 2 hops"]


@pytest.mark.parametrize(
    "event",
    [
        reply_event(None, ANSWER),
        reply_event("1.000001", ANSWER),
        reply_event("PARENT", ANSWER, subtype="message_changed"),
        reply_event("PARENT", ANSWER, bot_id="B2"),
        reply_event("PARENT", ANSWER, ts="PARENT"),
    ],
    ids=["top-level", "other-thread", "edited", "from-a-bot", "the-parent-itself"],
)
async def test_other_messages_are_ignored(slack: SlackBot, event: dict[str, Any]) -> None:
    await slack.enroll()
    parent = question_ts(slack)
    event = {k: (parent if v == "PARENT" else v) for k, v in event.items()}
    before = len(slack.fake.calls)
    status, _ = await slack.event(event, event_id="Ev-other")
    assert status == 200
    assert slack.fake.calls[before:] == []
    assert await stored_answers(slack) == []


async def test_too_long_thread_reply_gets_a_private_error_and_no_reaction(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.event(reply_event(question_ts(slack), "x" * (MAX_ANSWER_CHARS + 1)), event_id="E")
    assert slack.fake.calls_to("reactions.add") == []
    (feedback,) = slack.fake.calls_to("chat.postEphemeral")
    assert "the limit is 4,000" in feedback.params["text"]
    assert await stored_answers(slack) == []


@pytest.fixture
async def no_threads(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """The adapter with thread answers switched off."""
    bot = await start_bot(ctx, fake_slack, config_for(fake_slack, thread_answers=False))
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()


async def test_thread_answers_can_be_switched_off(no_threads: SlackBot) -> None:
    await no_threads.enroll()
    post = no_threads.fake.calls_to("chat.postMessage")[0]
    assert "reply in this thread" not in str(post.params["blocks"])
    await no_threads.event(reply_event(question_ts(no_threads), ANSWER), event_id="Ev1")
    assert no_threads.fake.calls_to("reactions.add") == []
    assert await stored_answers(no_threads) == []
