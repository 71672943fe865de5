"""The FSRS scheduler behind personal practice: review one card's memory, get the next one.

fsrs stays in services: the domain keeps its own plain `Memory`, and this module is the one
place that knows the library's `Card`, `Rating` and `Scheduler`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from scalebot.domain.practice import Memory, Recall

# A missed criterion comes back within the hour, a covered one the next day; after that FSRS
# spaces reviews by the memory it models. No fuzzing: every process (and test) computes the
# same due time, and one member's few dozen cards never pile up on one day the way a deck does.
SCHEDULER = Scheduler(
    learning_steps=(timedelta(hours=1), timedelta(days=1)),
    relearning_steps=(timedelta(hours=1),),
    maximum_interval=365,
    enable_fuzzing=False,
)


def review(memory: Memory | None, recall: Recall, now: datetime) -> Memory:
    """The memory after one review at `now` (a new card when `memory` is None)."""
    at = now.astimezone(UTC)
    card = _card(memory) if memory is not None else Card(card_id=0, due=at)
    reviewed, _log = SCHEDULER.review_card(card, Rating(int(recall)), review_datetime=at)
    return Memory(
        state=int(reviewed.state),
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=reviewed.due,
        last_review=reviewed.last_review,
    )


def retrievability(memory: Memory, now: datetime) -> float:
    """The modelled chance (0–1) that the member recalls the criterion at `now`."""
    return float(SCHEDULER.get_card_retrievability(_card(memory), now.astimezone(UTC)))


def _card(memory: Memory) -> Card:
    """The library's card for a stored memory."""
    return Card(
        card_id=0,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due.astimezone(UTC),
        last_review=memory.last_review.astimezone(UTC) if memory.last_review else None,
    )
