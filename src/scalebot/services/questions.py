"""Keep the stored questions in step with the bank, and pick each round's question."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from scalebot.db.repository import Repository
from scalebot.domain.questions import CANONICAL_QUESTION_ID, Question, QuestionBank
from scalebot.locales import Language
from scalebot.services.context import AppContext


@dataclass(frozen=True)
class SyncReport:
    """What a sync changed."""

    added: int
    updated: int
    retired: int


async def sync_questions(ctx: AppContext, *, now: datetime) -> SyncReport:
    """Store new questions, bump the version of changed ones, retire removed ones."""
    added = updated = retired = 0
    async with ctx.writing() as repo:
        await repo.serialize_startup()
        stored = await repo.stored_questions()
        for question in ctx.bank.questions:
            digest = question.content_hash()
            row = stored.get(question.id)
            content = question.model_dump(mode="json")
            if row is None:
                await repo.add_question(
                    question_id=question.id, content_hash=digest, content=content, now=now
                )
                added += 1
            elif row.content_hash != digest or row.retired:
                row.version += 1 if row.content_hash != digest else 0
                row.content_hash, row.content, row.retired, row.synced_at = (
                    digest,
                    content,
                    False,
                    now,
                )
                updated += 1
        for question_id, row in stored.items():
            if ctx.bank.get(question_id) is None and not row.retired:
                row.retired, row.synced_at = True, now
                retired += 1
    return SyncReport(added, updated, retired)


def choose_question(
    bank: QuestionBank, use_counts: Mapping[str, int], *, channel_id: int, round_number: int
) -> Question:
    """Pick a question the channel has seen least; no repeat until it has seen the whole bank.

    The canonical question opens every channel; after that the pick among the least-seen
    questions is a stable pseudo-random choice, so the same channel history gives the same
    question on every process.
    """
    fewest = min(use_counts.get(question_id, 0) for question_id in bank.ids())
    candidates = [q for q in bank.questions if use_counts.get(q.id, 0) == fewest]
    canonical = bank.get(CANONICAL_QUESTION_ID)
    # Compared by id: a pydantic model's == compares every field, and this runs per channel.
    if not use_counts and canonical is not None and any(q.id == canonical.id for q in candidates):
        return canonical
    seed = f"{channel_id}:{round_number}".encode()
    index = int.from_bytes(hashlib.sha256(seed).digest()[:8], "big") % len(candidates)
    return candidates[index]


async def question_of(ctx: AppContext, repo: Repository, question_id: str) -> Question:
    """Return a round's question from the bank, loading the stored copy only when it left it."""
    question = ctx.bank.get(question_id)
    if question is not None:
        return question
    stored = await repo.get_question(question_id=question_id)
    assert stored is not None, "every round's question is stored"
    return Question.model_validate(stored.content)


def criterion_title(question: Question, criterion_id: str, language: Language = Language.EN) -> str:
    """The title a member reads for a criterion id (a readable id once it left the rubric)."""
    try:
        return question.criterion(criterion_id).label_in(language)
    except KeyError:
        return criterion_id.replace("-", " ").capitalize()
