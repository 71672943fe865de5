"""Personal practice: a question just for one member, scheduled by spaced repetition.

Practice answers are graded with full feedback and stored apart from round answers, so they
count for no streak, no points, no board and no round summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from scalebot.db.repository import Repository
from scalebot.domain import practice as rules
from scalebot.domain.practice import Attempt, Card, Pick, Reason, Served
from scalebot.domain.questions import Difficulty, Question, QuestionBank
from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Field, Reply, Tone
from scalebot.domain.topics import topic_title
from scalebot.domain.untrusted import clean_text, public_name
from scalebot.grading.feedback import Feedback
from scalebot.locales import ENGLISH, Language, Message, Translator, _, n_
from scalebot.ops import metrics
from scalebot.services import spacing
from scalebot.services.answers import grade_answer, validate_answer
from scalebot.services.context import AppContext, UserError
from scalebot.services.questions import question_of
from scalebot.services.replies import feedback_reply

USAGE = _("Usage: /scale practice to get a question, /scale practice answer TEXT to answer it.")
NOTHING_SERVED = _("You have no practice question open: /scale practice serves one.")
STALE = _(
    "This practice form is out of date (you answered it or got another question): "
    "/scale practice shows your current one."
)
IN_A_ROUND = _(
    "This question is now a round's question in one of your channels: answer it there with "
    "/scale answer (it counts), and /scale practice skip serves another practice question."
)
EMPTY = _("Your answer is empty: write how you would scale it after /scale practice answer.")
HOW_TO_ANSWER = _(
    "Practice only: no streak, points or leaderboard. Answer with /scale practice answer TEXT; "
    "/scale practice skip serves another."
)
_DIFFICULTIES = {
    Difficulty.EASY: _("easy"),
    Difficulty.MEDIUM: _("medium"),
    Difficulty.HARD: _("hard"),
}


@dataclass(frozen=True)
class PracticeView:
    """What `/scale practice` shows: the question served (None when nothing is) and the reply."""

    question_id: str | None
    reply: Reply


@dataclass(frozen=True)
class PracticeOutcome:
    """A graded practice answer and when its question comes back."""

    feedback: Feedback
    next_review: datetime
    reply: Reply


def validate_practice(text: str) -> None:
    """Refuse an empty or over-long practice answer with a message that says what to do."""
    if not text.strip():
        raise UserError(EMPTY)
    validate_answer(text)


async def serve_practice(
    ctx: AppContext, *, user: UserRef, now: datetime, skip: bool = False, t: Translator = ENGLISH
) -> PracticeView:
    """Serve the member's next practice question: what is due, else a fresh one; remember it."""
    async with ctx.writing() as repo:
        workspace_id, member_id = await _member(repo, user, now)
        served = await repo.practice.served(user_id=member_id, lock=True)
        # A question still open in a round is not practised first: its feedback would be a
        # rehearsal for the answer that scores points.
        skipped = await repo.practice.open_questions(workspace_id=workspace_id)
        if skip and served is not None:
            skipped.add(served.question_id)
        cards = _live(await repo.practice.cards(user_id=member_id), ctx.bank)
        pick = rules.due_pick(cards, now, skip=skipped)
        if pick is None:
            latest = await repo.practice.latest_scores(user_id=member_id)
            scheduled = {card.question_id for card in cards} | skipped
            scores = {question_id: score for question_id, (score, _) in latest.items()}
            pick = rules.fresh_pick(
                _candidates(ctx.bank), scores, scheduled=scheduled, seed=user.user_id
            )
            if pick is not None and pick.question_id in latest:
                pick = replace(pick, due_criteria=latest[pick.question_id][1])
        if pick is None:
            return PracticeView(None, nothing_reply(rules.next_due(cards), now, t))
        await repo.practice.serve(user_id=member_id, question_id=pick.question_id, now=now)
        question = await question_of(ctx, repo, pick.question_id)
    return PracticeView(question.id, practice_question_reply(question, pick, t))


async def current_practice(
    ctx: AppContext, *, user: UserRef, t: Translator = ENGLISH
) -> PracticeView | None:
    """The practice question served to the member and not answered yet, if any."""
    async with ctx.reading() as repo:
        ids = await _existing_member(repo, user)
        served = None if ids is None else await repo.practice.served(user_id=ids[1])
        if served is None:
            return None
        question = await question_of(ctx, repo, served.question_id)
    return PracticeView(question.id, practice_question_reply(question, None, t))


async def submit_practice(
    ctx: AppContext,
    *,
    user: UserRef,
    text: str,
    now: datetime,
    question_id: str | None = None,
    t: Translator = ENGLISH,
) -> PracticeOutcome:
    """Grade an answer to the served practice question, review its cards, and store it.

    `question_id` is the question a form was opened for: a form for an older one is refused.
    """
    text = clean_text(text)
    validate_practice(text)
    member_id, served, question = await _served_question(ctx, user, question_id)
    # Grading happens outside the write transaction: an LLM grader may take seconds.
    feedback = await grade_answer(ctx.grader, question, text)
    async with ctx.writing() as repo:
        again = await repo.practice.served(user_id=member_id, lock=True)
        if again != served:
            raise UserError(STALE)  # answered or replaced meanwhile (a second submit of one form)
        known = await repo.practice.cards(user_id=member_id, question_id=question.id)
        cards = _reviewed(known, feedback, now)
        await repo.practice.save_cards(user_id=member_id, cards=cards)
        await repo.practice.add_answer(
            user_id=member_id, record=_attempt(served, text, feedback, now)
        )
        await repo.practice.serve(user_id=member_id, question_id=None, now=now)
    next_review = min(card.memory.due for card in cards)
    metrics.ANSWERS.labels(result="practice").inc()
    return PracticeOutcome(
        feedback, next_review, practice_feedback_reply(feedback, question, (next_review, now), t)
    )


async def _served_question(
    ctx: AppContext, user: UserRef, question_id: str | None
) -> tuple[int, Served, Question]:
    """The member's row id, the question served to them, and that question; or why not."""
    async with ctx.reading() as repo:
        ids = await _existing_member(repo, user)
        served = None if ids is None else await repo.practice.served(user_id=ids[1])
        if served is None or ids is None:
            raise UserError(STALE if question_id else NOTHING_SERVED)
        if question_id is not None and question_id != served.question_id:
            raise UserError(STALE)
        if served.question_id in await repo.practice.open_questions(workspace_id=ids[0]):
            raise UserError(IN_A_ROUND)
        return ids[1], served, await question_of(ctx, repo, served.question_id)


async def practice_export(ctx: AppContext, repo: Repository, *, user_id: int) -> dict[str, Any]:
    """Everything practice keeps about a member, JSON-ready: answers, cards, the open question."""
    answers = await repo.practice.answers(user_id=user_id)
    cards = await repo.practice.cards(user_id=user_id)
    served = await repo.practice.served(user_id=user_id)
    asked = {a.question_id for a in answers} | {c.question_id for c in cards}
    questions = {qid: await question_of(ctx, repo, qid) for qid in asked}
    return {
        "open_question": served.question_id if served else None,
        "answers": [
            {
                "question": a.question_id,
                "question_title": questions[a.question_id].title,
                "text": a.text,
                "score": a.score,
                "covered": a.covered.get("met", []),
                "missed": a.covered.get("missed", []),
                "served_at": a.served_at.isoformat(),
                "answered_at": a.answered_at.isoformat(),
            }
            for a in answers
        ],
        "cards": [_card_export(card, questions[card.question_id]) for card in cards],
    }


def _card_export(card: Card, question: Question) -> dict[str, Any]:
    """One card as export-me shows it."""
    memory = card.memory
    return {
        "question": card.question_id,
        "criterion": card.criterion_id,
        "criterion_title": criterion_label(question, card.criterion_id, ENGLISH),
        "due": memory.due.isoformat(),
        "last_review": memory.last_review.isoformat() if memory.last_review else None,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "reviews": card.reviews,
        "misses": card.misses,
    }


async def _member(repo: Repository, user: UserRef, now: datetime) -> tuple[int, int]:
    """The workspace's and the member's row ids, creating both on first sight."""
    workspace = await repo.get_or_create_workspace(
        platform=user.platform, external_id=user.workspace_id, now=now
    )
    member = await repo.upsert_user(
        workspace_id=workspace.id,
        external_id=user.user_id,
        display_name=public_name(user.display_name),
        now=now,
    )
    return workspace.id, member.id


async def _existing_member(repo: Repository, user: UserRef) -> tuple[int, int] | None:
    """The workspace's and the member's row ids, or None when scalebot has never seen them."""
    workspace = await repo.find_workspace(platform=user.platform, external_id=user.workspace_id)
    if workspace is None:
        return None
    member = await repo.find_user(workspace_id=workspace.id, external_id=user.user_id)
    return None if member is None else (workspace.id, member.id)


def _live(cards: Sequence[Card], bank: QuestionBank) -> list[Card]:
    """Cards of criteria still in the bank (a rewritten rubric leaves old cards behind)."""
    live: list[Card] = []
    for card in cards:
        question = bank.get(card.question_id)
        if question is not None and any(c.id == card.criterion_id for c in question.rubric):
            live.append(card)
    return live


def _candidates(bank: QuestionBank) -> list[rules.Candidate]:
    """Every bank question as the picker sees it."""
    return [rules.Candidate(q.id, q.topic) for q in bank.questions]


def _reviewed(cards: Sequence[Card], feedback: Feedback, now: datetime) -> list[Card]:
    """The graded question's cards (given) after review: missed forgotten, covered recalled."""
    known = {c.criterion_id: c for c in cards}
    reviewed: list[Card] = []
    for result in feedback.criteria:
        recall = rules.recall_of(met=result.met, score=feedback.score)
        before = known.get(result.id)
        memory = spacing.review(before.memory if before else None, recall, now)
        reviews = (before.reviews if before else 0) + 1
        misses = (before.misses if before else 0) + (not result.met)
        reviewed.append(Card(feedback.question_id, result.id, memory, reviews, misses))
    return reviewed


def _attempt(served: Served, text: str, feedback: Feedback, now: datetime) -> Attempt:
    """The stored practice answer: what was covered and missed, with the evidence."""
    covered: dict[str, Any] = {
        "met": [r.id for r in feedback.covered],
        "missed": [r.id for r in feedback.missed],
        "evidence": {r.id: r.evidence for r in feedback.covered},
    }
    return Attempt(
        question_id=served.question_id,
        text=text,
        score=feedback.score,
        covered=covered,
        grader_version=feedback.grader_version,
        served_at=served.served_at,
        answered_at=now,
    )


# --- replies ---------------------------------------------------------------------------------


def criterion_label(question: Question, criterion_id: str, t: Translator) -> str:
    """A criterion's title in the reader's language (a readable id once it left the rubric)."""
    try:
        criterion = question.criterion(criterion_id)
    except KeyError:
        return criterion_id.replace("-", " ").capitalize()
    if t.language is Language.ZH and criterion.zh is not None:
        return criterion.zh.title
    return criterion.label


def practice_question_reply(question: Question, pick: Pick | None, t: Translator) -> Reply:
    """The practice question, in the reader's language, with why it was chosen."""
    chinese = question.zh if t.language is Language.ZH else None
    fields = [
        Field(t(_("Topic")), t(topic_title(question.topic))),
        Field(t(_("Difficulty")), t(_DIFFICULTIES[question.difficulty])),
    ]
    if pick is not None:
        fields.append(Field(t(_("Why this one")), t(_why(question, pick, t))))
    return Reply(
        title=t(_("Practice: {title}", title=chinese.title if chinese else question.title)),
        body=chinese.prompt if chinese else question.prompt,
        fields=tuple(fields),
        footer=t(HOW_TO_ANSWER),
        tone=Tone.QUESTION,
    )


def _why(question: Question, pick: Pick, t: Translator) -> Message:
    """Why the picker chose this question."""
    if pick.reason is Reason.DUE:
        labels = _listed((criterion_label(question, c, t) for c in pick.due_criteria), t)
        return _("Due for review: {criteria}", criteria=labels)
    if pick.reason is Reason.UNSEEN and pick.topic_score is None:
        return _("New to you, from a topic you have not answered yet.")
    if pick.reason is Reason.UNSEEN:
        return _(
            "New to you, from a topic where you average {score}/100.",
            score=round(pick.topic_score or 0),
        )
    if not pick.due_criteria:
        return _("Nothing is due; you last scored {score}/100 on this one.", score=pick.score)
    labels = _listed((criterion_label(question, c, t) for c in pick.due_criteria), t)
    return _(
        "Nothing is due; you last scored {score}/100 on this one, missing {criteria}.",
        score=pick.score,
        criteria=labels,
    )


def _listed(labels: Iterable[str], t: Translator) -> str:
    """Criterion titles as a list the reader's language writes ("a, b" / "甲、乙")."""
    return ("、" if t.language is Language.ZH else ", ").join(labels)


def practice_feedback_reply(
    feedback: Feedback, question: Question, times: tuple[datetime, datetime], t: Translator
) -> Reply:
    """Full rubric feedback, with the practice footer instead of the streak.

    `times` is (next review, now).
    """
    next_review, now = times
    reply = feedback_reply(feedback, question, streak=0, late=False, revision=1, t=t)
    footer = _(
        "Practice: no streak or points. This question comes back for review {when}.",
        when=when(next_review, now, t),
    )
    return replace(reply, footer=t(footer))


def nothing_reply(due: datetime | None, now: datetime, t: Translator) -> Reply:
    """Nothing to serve: every question is scheduled for later."""
    if due is None:
        body = _("Every question is open in a round or was just skipped: try again later.")
    else:
        body = _(
            "Your next review is due {when}: run /scale practice then.", when=when(due, now, t)
        )
    return Reply(title=t(_("Nothing to practise right now")), body=t(body))


def when(due: datetime | None, now: datetime, t: Translator) -> str:
    """A due time as the reader says it: now, in N hours, or in N days (with the date)."""
    if due is None or due <= now:
        return t(_("now"))
    left = due - now
    if left < timedelta(hours=24):
        hours = max(1, round(left / timedelta(hours=1)))
        return t(n_("in {count} hour", "in {count} hours", hours, count=hours))
    days = round(left / timedelta(days=1))
    return t(
        n_(
            "in {count} day ({date})",
            "in {count} days ({date})",
            days,
            count=days,
            date=t.date(due),
        )
    )
