"""Personal practice queries: a member's served question, FSRS cards and practice answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scalebot.db.models import (
    Answer,
    Channel,
    PracticeAnswer,
    PracticeCard,
    PracticeMember,
    Round,
)
from scalebot.domain.practice import Attempt, Card, Memory, Served
from scalebot.domain.rounds import RoundStatus

# Rounds members may still answer (or are about to see): their questions are not for practice.
_OPEN = (RoundStatus.CLAIMED, RoundStatus.SENDING, RoundStatus.POSTED, RoundStatus.UNKNOWN)


class PracticeQueries:
    """Practice reads and writes inside one repository session."""

    def __init__(self, session: AsyncSession) -> None:
        """Use the repository's session."""
        self.session = session

    async def served(self, *, user_id: int, lock: bool = False) -> Served | None:
        """The member's unanswered practice question, locked for an answer when asked."""
        statement = select(PracticeMember).where(PracticeMember.user_id == user_id)
        row = await self.session.scalar(statement.with_for_update() if lock else statement)
        if row is None or row.question_id is None or row.served_at is None:
            return None
        return Served(row.question_id, row.served_at)

    async def serve(self, *, user_id: int, question_id: str | None, now: datetime) -> None:
        """Record the question served (None: the served one was answered), in one statement."""
        values = {"question_id": question_id, "served_at": now if question_id else None}
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(PracticeMember).values(user_id=user_id, updated_at=now, **values)
        statement = statement.on_conflict_do_update(
            index_elements=["user_id"], set_={**values, "updated_at": now}
        )
        await self.session.execute(statement)

    async def cards(self, *, user_id: int, question_id: str | None = None) -> list[Card]:
        """The member's cards (of one question when given), soonest due first."""
        statement = select(PracticeCard).where(PracticeCard.user_id == user_id)
        if question_id is not None:
            statement = statement.where(PracticeCard.question_id == question_id)
        rows = await self.session.scalars(statement.order_by(PracticeCard.due, PracticeCard.id))
        return [_card(row) for row in rows]

    async def save_cards(self, *, user_id: int, cards: Sequence[Card]) -> None:
        """Insert new cards and update reviewed ones (matched on question and criterion)."""
        questions = {card.question_id for card in cards}
        rows = await self.session.scalars(
            select(PracticeCard).where(
                PracticeCard.user_id == user_id, PracticeCard.question_id.in_(questions)
            )
        )
        existing = {(row.question_id, row.criterion_id): row for row in rows}
        for card in cards:
            row = existing.get((card.question_id, card.criterion_id))
            if row is None:
                row = PracticeCard(
                    user_id=user_id, question_id=card.question_id, criterion_id=card.criterion_id
                )
                self.session.add(row)
            _store(row, card)
        await self.session.flush()

    async def add_answer(self, *, user_id: int, record: Attempt) -> None:
        """Store a graded practice answer."""
        self.session.add(
            PracticeAnswer(
                user_id=user_id,
                question_id=record.question_id,
                text=record.text,
                score=record.score,
                covered=record.covered,
                grader_version=record.grader_version,
                served_at=record.served_at,
                answered_at=record.answered_at,
            )
        )
        await self.session.flush()

    async def answers(self, *, user_id: int) -> list[Attempt]:
        """Every practice answer of a member, oldest first."""
        rows = await self.session.scalars(
            select(PracticeAnswer)
            .where(PracticeAnswer.user_id == user_id)
            .order_by(PracticeAnswer.answered_at, PracticeAnswer.id)
        )
        return [
            Attempt(
                row.question_id,
                row.text,
                row.score,
                row.covered,
                row.grader_version,
                row.served_at,
                row.answered_at,
            )
            for row in rows
        ]

    async def latest_scores(self, *, user_id: int) -> dict[str, tuple[int, tuple[str, ...]]]:
        """The member's latest score per question and the criteria it missed (rounds, practice)."""
        rounds = await self.session.execute(
            select(Round.question_id, Answer.score, Answer.covered, Answer.updated_at)
            .join(Round, Round.id == Answer.round_id)
            .where(Answer.user_id == user_id)
        )
        practised = await self.session.execute(
            select(
                PracticeAnswer.question_id,
                PracticeAnswer.score,
                PracticeAnswer.covered,
                PracticeAnswer.answered_at,
            ).where(PracticeAnswer.user_id == user_id)
        )
        latest: dict[str, tuple[datetime, int, tuple[str, ...]]] = {}
        for question_id, score, covered, at in [*rounds, *practised]:
            if question_id not in latest or at >= latest[question_id][0]:
                latest[question_id] = (at, score, tuple(covered.get("missed", [])))
        return {qid: (score, missed) for qid, (_at, score, missed) in latest.items()}

    async def open_questions(self, *, workspace_id: int) -> set[str]:
        """Questions of the workspace's rounds that are open (or on their way) in any channel."""
        rows = await self.session.scalars(
            select(Round.question_id)
            .join(Channel, Channel.id == Round.channel_id)
            .where(Channel.workspace_id == workspace_id, Round.status.in_(_OPEN))
            .distinct()
        )
        return set(rows)

    async def count_answers(self, *, user_id: int) -> int:
        """How many practice answers a member gave."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(PracticeAnswer)
            .where(PracticeAnswer.user_id == user_id)
        )
        return int(found or 0)

    async def forget(self, *, user_id: int) -> None:
        """Delete everything practice keeps about a member."""
        for model in (PracticeAnswer, PracticeCard, PracticeMember):
            await self.session.execute(delete(model).where(model.user_id == user_id))


def _card(row: PracticeCard) -> Card:
    """A stored card as a domain card."""
    memory = Memory(row.state, row.step, row.stability, row.difficulty, row.due, row.last_review)
    return Card(row.question_id, row.criterion_id, memory, row.reviews, row.misses)


def _store(row: PracticeCard, card: Card) -> None:
    """Copy a domain card's memory and counts onto its row."""
    memory = card.memory
    row.state, row.step, row.due = memory.state, memory.step, memory.due
    row.stability, row.difficulty = memory.stability, memory.difficulty
    row.last_review, row.reviews, row.misses = memory.last_review, card.reviews, card.misses
