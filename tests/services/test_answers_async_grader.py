"""Submitting answers with a grader that waits on a model server (the LLM grader)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import time

import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule
from scalebot.grading.llm import LLMConfig, LLMGrader
from scalebot.locales import translator
from scalebot.services import answers, channels
from scalebot.services.context import AppContext
from tests.conftest import ALICE, CHANNEL
from tests.fake_llm import FakeLLM, judged, serve_fake_llm
from tests.grading.test_llm import ANSWER, CHINESE_ANSWER, CHINESE_SNAPSHOT, SNAPSHOT
from tests.services.test_answers import MONDAY_9, start_channel


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    """A fake model server that proves the checkpointing criterion."""
    async with serve_fake_llm() as server:
        server.answer_json(judged(("checkpointing", True, SNAPSHOT)))
        yield server


def use_llm(ctx: AppContext, fake: FakeLLM, *, timeout: float = 30) -> None:
    """Make the context grade with the LLM grader on the fake server."""
    ctx.grader = LLMGrader(LLMConfig(url=fake.url, model="tiny", timeout=timeout))


async def test_the_llm_graders_verdict_is_stored(ctx: AppContext, fake: FakeLLM) -> None:
    await start_channel(ctx)
    use_llm(ctx, fake)
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9
    )
    assert {r.id for r in outcome.feedback.covered} == {"checkpointing", "deployment"}
    assert outcome.feedback.grader_version == "llm-1+rubric-4"
    assert SNAPSHOT in outcome.reply.plain_text()
    async with ctx.reading() as repo:
        workspace = await repo.find_workspace(platform="test", external_id="W1")
        assert workspace is not None
        member = await repo.find_user(workspace_id=workspace.id, external_id=ALICE.user_id)
        assert member is not None
        stored = await repo.find_answer(round_id=outcome.round_id, user_id=member.id)
    assert stored is not None
    assert stored.score == outcome.feedback.score
    assert stored.covered["met"] == ["checkpointing", "deployment"]
    assert stored.grader_version == "llm-1+rubric-4"


async def test_a_chinese_reader_gets_llm_feedback_in_chinese_quoting_their_words(
    ctx: AppContext, fake: FakeLLM
) -> None:
    await start_channel(ctx)
    use_llm(ctx, fake)
    fake.answer_json(judged(("checkpointing", True, CHINESE_SNAPSHOT)))
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=CHINESE_ANSWER, now=MONDAY_9, t=translator("zh")
    )
    assert "checkpointing" in {r.id for r in outcome.feedback.covered}
    shown = outcome.reply.plain_text()
    assert outcome.reply.title.startswith("得分 ")
    assert CHINESE_SNAPSHOT in shown
    english = {"Covered", "Missed", "Hint", "Follow-up", "Notes", "Score"}
    assert not [word for word in english if word in shown]


async def test_waiting_on_the_model_blocks_neither_the_loop_nor_the_database(
    ctx: AppContext, fake: FakeLLM
) -> None:
    await start_channel(ctx)
    use_llm(ctx, fake)
    fake.gate = asyncio.Event()
    pending = asyncio.create_task(
        answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    )
    for _ in range(500):
        if fake.requests:
            break
        await asyncio.sleep(0.01)
    assert fake.requests, "the grader never asked the model"
    # Another write goes through while the answer waits for the model.
    other = ChannelRef("test", "W1", "C2")
    await channels.enroll_channel(
        ctx, channel=other, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=MONDAY_9
    )
    assert not pending.done()
    fake.gate.set()
    outcome = await pending
    assert "checkpointing" in {r.id for r in outcome.feedback.covered}


async def test_a_model_timeout_still_stores_the_rubric_feedback(
    ctx: AppContext, fake: FakeLLM
) -> None:
    await start_channel(ctx)
    use_llm(ctx, fake, timeout=0.2)
    fake.gate = asyncio.Event()
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9
    )
    assert {r.id for r in outcome.feedback.covered} == {"deployment"}
    assert outcome.feedback.grader_version == "rubric-4"
    assert outcome.stored
