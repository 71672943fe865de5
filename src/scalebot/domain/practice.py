"""Personal practice rules: how an answer rates each criterion, and which question comes next.

Each (member, question, criterion) is a spaced-repetition card. A practice answer reviews every
card of its question: a missed criterion is forgotten, a covered one recalled. The question
served next is the one whose card fell due first; with nothing due, a question the member
scored lowest on, else one they have not seen (weakest topic first). The memory model itself
(stability, difficulty, intervals) is FSRS, kept behind `services.spacing`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

# A covered criterion in an answer scoring at least this was easy to recall.
EASY_SCORE = 90
# A question answered below this is worth practising before any unseen one.
MASTERED_SCORE = 80


class Recall(IntEnum):
    """How well a criterion was recalled in one answer (FSRS's four ratings, same values)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def recall_of(*, met: bool, score: int) -> Recall:
    """Rate one criterion of a graded answer: missed is forgotten, covered in a strong one easy."""
    if not met:
        return Recall.AGAIN
    return Recall.EASY if score >= EASY_SCORE else Recall.GOOD


@dataclass(frozen=True)
class Memory:
    """A card's spaced-repetition state as FSRS keeps it (1 learning, 2 review, 3 relearning)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class Card:
    """One criterion of one question for one member, with its memory and review counts."""

    question_id: str
    criterion_id: str
    memory: Memory
    reviews: int
    misses: int


@dataclass(frozen=True)
class Served:
    """The question served to a member and not answered yet."""

    question_id: str
    served_at: datetime


@dataclass(frozen=True)
class Attempt:
    """One graded practice answer as stored (covered: met and missed ids, with evidence)."""

    question_id: str
    text: str
    score: int
    covered: dict[str, Any]
    grader_version: str
    served_at: datetime
    answered_at: datetime


@dataclass(frozen=True)
class Candidate:
    """A bank question as the picker sees it."""

    id: str
    topic: str


class Reason(IntEnum):
    """Why a question was served, in the order the picker prefers them."""

    DUE = 1
    LOW_SCORE = 2
    UNSEEN = 3
    REVISIT = 4


@dataclass(frozen=True)
class Pick:
    """The question to serve, why, and its criteria to work on (due, or missed last time)."""

    question_id: str
    reason: Reason
    due_criteria: tuple[str, ...] = ()
    # LOW_SCORE and REVISIT: the member's latest score; UNSEEN: their average in its topic.
    score: int | None = None
    topic_score: float | None = None


def due_pick(cards: Iterable[Card], now: datetime, *, skip: Collection[str] = ()) -> Pick | None:
    """The question whose card fell due first (ties: the most criteria due, then its id)."""
    due: dict[str, list[Card]] = {}
    for card in cards:
        if card.memory.due <= now and card.question_id not in skip:
            due.setdefault(card.question_id, []).append(card)
    if not due:
        return None
    chosen = min(due, key=lambda q: (min(c.memory.due for c in due[q]), -len(due[q]), q))
    criteria = tuple(c.criterion_id for c in sorted(due[chosen], key=lambda c: c.memory.due))
    return Pick(chosen, Reason.DUE, criteria)


def fresh_pick(
    candidates: Sequence[Candidate],
    scores: Mapping[str, int],
    *,
    scheduled: Collection[str],
    seed: str,
) -> Pick | None:
    """A question not scheduled for later: lowest score first, then unseen (weakest topic first).

    `scores` holds the member's latest score per question answered (rounds and practice).
    Ties fall to a stable shuffle per member, so two members do not march through one order.
    """
    topics = topic_scores(candidates, scores)
    ranked: list[tuple[tuple[int, float, str], Pick]] = []
    for question in candidates:
        if question.id in scheduled:
            continue
        score = scores.get(question.id)
        if score is None:
            topic = topics.get(question.topic)
            # A topic never answered counts as the weakest: nothing in it is covered yet.
            key = (Reason.UNSEEN, topic or 0.0, _shuffle(seed, question.id))
            pick = Pick(question.id, Reason.UNSEEN, topic_score=topic)
        else:
            reason = Reason.LOW_SCORE if score < MASTERED_SCORE else Reason.REVISIT
            key = (reason, float(score), _shuffle(seed, question.id))
            pick = Pick(question.id, reason, score=score)
        ranked.append((key, pick))
    return min(ranked, key=lambda item: item[0])[1] if ranked else None


def topic_scores(candidates: Sequence[Candidate], scores: Mapping[str, int]) -> dict[str, float]:
    """The member's average latest score per topic, over the questions they answered."""
    totals: dict[str, list[int]] = {}
    for question in candidates:
        if question.id in scores:
            totals.setdefault(question.topic, []).append(scores[question.id])
    return {topic: sum(values) / len(values) for topic, values in totals.items()}


def next_due(cards: Iterable[Card], question_id: str | None = None) -> datetime | None:
    """When the first card (of one question, or of any) falls due next."""
    dues = [c.memory.due for c in cards if question_id is None or c.question_id == question_id]
    return min(dues) if dues else None


def _shuffle(seed: str, question_id: str) -> str:
    """A stable pseudo-random tie-breaker for one member and one question."""
    return hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()
