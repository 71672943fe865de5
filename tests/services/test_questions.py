"""Stored questions follow the bank: new ones added, changed ones versioned, gone ones retired."""

from __future__ import annotations

from datetime import UTC, datetime

from scalebot.bank.loader import load_bank
from scalebot.domain.questions import QuestionBank
from scalebot.services.context import AppContext
from scalebot.services.questions import question_of, sync_questions

LATER = datetime(2026, 2, 1, tzinfo=UTC)


async def test_first_sync_stores_every_question_once(ctx: AppContext) -> None:
    again = await sync_questions(ctx, now=LATER)
    assert (again.added, again.updated, again.retired) == (0, 0, 0)
    async with ctx.reading() as repo:
        stored = await repo.stored_questions()
    assert set(stored) == set(ctx.bank.ids())
    assert {row.version for row in stored.values()} == {1}


async def test_changed_question_gets_a_new_version_and_removed_one_is_retired(
    ctx: AppContext,
) -> None:
    bank = load_bank()
    first, second, *rest = bank.questions
    edited = first.model_copy(update={"prompt": first.prompt + " Assume 10x traffic."})
    ctx.bank = QuestionBank((edited, *rest))
    report = await sync_questions(ctx, now=LATER)
    assert (report.added, report.updated, report.retired) == (0, 1, 1)
    async with ctx.reading() as repo:
        stored = await repo.stored_questions()
    assert stored[first.id].version == 2
    assert stored[first.id].content["prompt"].endswith("Assume 10x traffic.")
    assert stored[second.id].retired
    # A retired question still renders from its stored copy (old rounds, late answers).
    async with ctx.reading() as repo:
        assert await question_of(ctx, repo, second.id) == second
    ctx.bank = bank
    back = await sync_questions(ctx, now=LATER)
    assert (back.updated, back.retired) == (2, 0)
