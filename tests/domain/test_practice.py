"""Practice rules: ratings from a graded answer, the due pick and the fresh pick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scalebot.domain.practice import (
    Candidate,
    Card,
    Memory,
    Reason,
    Recall,
    due_pick,
    fresh_pick,
    next_due,
    recall_of,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
QUESTIONS = [
    Candidate("a", "serving"),
    Candidate("b", "serving"),
    Candidate("c", "training"),
    Candidate("d", "training"),
    Candidate("e", "data"),
]


def card(question: str, criterion: str, due_in: timedelta) -> Card:
    """A reviewed card falling due `due_in` from NOW."""
    memory = Memory(1, 0, 1.0, 5.0, NOW + due_in, NOW - timedelta(days=1))
    return Card(question, criterion, memory, reviews=1, misses=0)


def test_missed_is_again_covered_is_good_and_easy_in_a_strong_answer() -> None:
    assert recall_of(met=False, score=100) is Recall.AGAIN
    assert recall_of(met=True, score=60) is Recall.GOOD
    assert recall_of(met=True, score=95) is Recall.EASY


def test_due_pick_takes_the_question_whose_card_fell_due_first() -> None:
    cards = [
        card("a", "x", -timedelta(minutes=5)),
        card("b", "y", -timedelta(hours=2)),
        card("b", "z", timedelta(hours=3)),
        card("c", "w", timedelta(days=1)),
    ]
    pick = due_pick(cards, NOW)
    assert pick is not None
    assert (pick.question_id, pick.reason, pick.due_criteria) == ("b", Reason.DUE, ("y",))
    skipped = due_pick(cards, NOW, skip={"b"})
    assert skipped is not None
    assert skipped.question_id == "a"
    assert due_pick(cards, NOW - timedelta(hours=3)) is None
    assert next_due(cards) == NOW - timedelta(hours=2)
    assert next_due(cards, "c") == NOW + timedelta(days=1)


def test_fresh_pick_prefers_low_scores_then_unseen_in_the_weakest_topic() -> None:
    scores = {"a": 30, "c": 95}
    pick = fresh_pick(QUESTIONS, scores, scheduled=set(), seed="alice")
    assert pick is not None
    assert (pick.question_id, pick.reason, pick.score) == ("a", Reason.LOW_SCORE, 30)
    # Without "a": unseen questions next, the never-answered topic (data) before serving (30)
    # and training (95).
    pick = fresh_pick(QUESTIONS, scores, scheduled={"a"}, seed="alice")
    assert pick is not None
    assert (pick.question_id, pick.reason, pick.topic_score) == ("e", Reason.UNSEEN, None)
    pick = fresh_pick(QUESTIONS, scores, scheduled={"a", "e"}, seed="alice")
    assert pick is not None
    assert (pick.question_id, pick.topic_score) == ("b", 30.0)
    pick = fresh_pick(QUESTIONS, scores, scheduled={"a", "b", "d", "e"}, seed="alice")
    assert pick is not None
    assert (pick.question_id, pick.reason) == ("c", Reason.REVISIT)
    assert fresh_pick(QUESTIONS, scores, scheduled={q.id for q in QUESTIONS}, seed="x") is None


def test_fresh_pick_breaks_ties_per_member_but_stably() -> None:
    orders = {
        seed: fresh_pick(QUESTIONS, {}, scheduled=set(), seed=seed) for seed in ("u1", "u2", "u3")
    }
    assert orders == {
        seed: fresh_pick(QUESTIONS, {}, scheduled=set(), seed=seed) for seed in ("u1", "u2", "u3")
    }
    assert len({pick.question_id for pick in orders.values() if pick}) > 1
