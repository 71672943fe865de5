"""Submit an answer: validate, grade, then store and update the streak in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from scalebot.db.engine import WriteConflict
from scalebot.db.models import Answer, Round, Streak
from scalebot.db.repository import Repository
from scalebot.domain.questions import Question
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply
from scalebot.domain.rounds import RoundStatus
from scalebot.domain.streaks import StreakState
from scalebot.domain.untrusted import clean_text, public_name
from scalebot.grading.feedback import AsyncGrader, Feedback, Grader
from scalebot.ops import metrics
from scalebot.services import events, freezes, rounds
from scalebot.services.channels import require_channel
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, UserError
from scalebot.services.questions import question_of
from scalebot.services.replies import feedback_reply

log = logging.getLogger(__name__)
CONFLICT_RETRIES = 3
KEPT_EARLIER = (
    "Your earlier answer to this round stands; this reply got feedback only. "
    "Use /scale answer to replace your answer."
)
EMPTY_ANSWER = "Your answer is empty: write how you would scale it after /scale answer."


@dataclass(frozen=True)
class AnswerOutcome:
    """What submitting an answer produced."""

    feedback: Feedback
    streak: int
    late: bool
    revision: int
    stored: bool
    round_id: int
    reply: Reply


def validate_answer(text: str) -> None:
    """Refuse empty and over-long answers with a message that says what to do."""
    if not text.strip():
        raise UserError(EMPTY_ANSWER)
    if len(text) > MAX_ANSWER_CHARS:
        raise UserError(
            f"Your answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
            "Shorten it and send it again."
        )


async def submit_answer(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    user: UserRef,
    text: str,
    now: datetime,
    round_id: int | None = None,
    replace_existing: bool = True,
) -> AnswerOutcome:
    """Grade an answer to the channel's open round (or a given round) and store it.

    With `replace_existing=False` (a reply in the question's thread, which may be discussion)
    an answer the member already gave is kept, and the new text only gets feedback.
    """
    text = clean_text(text)  # PostgreSQL refuses NUL; no control character is worth keeping
    user = replace(user, display_name=public_name(user.display_name))
    validate_answer(text)
    # A question members see may still await its confirmation: ask the platform first.
    await rounds.confirm_visible(ctx, channel=channel, now=now)
    question, target = await _question_to_answer(ctx, channel, round_id)
    # Grading happens outside the write transaction: an LLM grader may take seconds.
    feedback = await grade_answer(ctx.grader, question, text)
    for _ in range(CONFLICT_RETRIES):
        try:
            return await _submit(ctx, channel, user, text, now, target, feedback, replace_existing)
        except WriteConflict:
            # The member's answer arrived twice at once; a retry sees the first and replaces it.
            continue
    return await _submit(ctx, channel, user, text, now, target, feedback, replace_existing)


async def answer_in_thread(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    message_ref: str,
    event_id: str,
    author: Callable[[], Awaitable[UserRef]],
    text: str,
    now: datetime,
) -> AnswerOutcome | None:
    """Grade a reply in a question's thread, once per delivery; None when there is none to grade.

    The reply never replaces an answer the member already gave (threads are for discussion
    too). `author` is called only for a first delivery in a question's thread, so a platform
    looks the member up only then. A UserError (empty, too long) reaches the caller.
    """
    round_id = await rounds.round_for_message(ctx, channel=channel, message_ref=message_ref)
    if round_id is None:
        # The reply may be under a post that went out but is not confirmed yet: ask once.
        await rounds.confirm_visible(ctx, channel=channel, now=now)
        round_id = await rounds.round_for_message(ctx, channel=channel, message_ref=message_ref)
    if round_id is None:
        return None
    if await events.handled(ctx, platform=channel.platform, event_id=event_id):
        log.info("ignored a repeated delivery of %s", event_id)
        return None
    try:
        outcome = await submit_answer(
            ctx,
            channel=channel,
            user=await author(),
            text=text,
            now=now,
            round_id=round_id,
            replace_existing=False,
        )
    except UserError:
        # A refusal (empty, too long) is final: a redelivery would get the same answer.
        await events.first_delivery(ctx, platform=channel.platform, event_id=event_id, now=now)
        raise
    # Recorded only once the answer is stored, so a redelivery retries a failed one.
    if not await events.first_delivery(ctx, platform=channel.platform, event_id=event_id, now=now):
        return None  # a concurrent delivery of the same event got there first
    return outcome


async def grade_answer(grader: Grader, question: Question, text: str) -> Feedback:
    """Grade with the context's grader, awaiting it when it waits on I/O (an LLM server)."""
    with metrics.GRADING_SECONDS.time():
        if isinstance(grader, AsyncGrader):
            return await grader.grade_async(question, text)
        return grader.grade(question, text)


async def _question_to_answer(
    ctx: AppContext, channel: ChannelRef, round_id: int | None
) -> tuple[Question, int]:
    """Find the round being answered and its question, in a short read transaction."""
    async with ctx.reading() as repo:
        channel_row = await require_channel(repo, channel)
        round_ = await _target_round(repo, channel_row.id, round_id)
        return await question_of(ctx, repo, round_.question_id), round_.id


async def _submit(
    ctx: AppContext,
    channel: ChannelRef,
    user: UserRef,
    text: str,
    now: datetime,
    round_id: int,
    feedback: Feedback,
    replace_existing: bool,
) -> AnswerOutcome:
    """Store a graded answer and update the streak in one write transaction."""
    async with ctx.writing() as repo:
        channel_row = await require_channel(repo, channel)
        round_ = await _target_round(repo, channel_row.id, round_id)
        member = await repo.upsert_user(
            workspace_id=channel_row.workspace_id,
            external_id=user.user_id,
            display_name=user.display_name,
            now=now,
        )
        # Lock the member's streak row first: it serialises their concurrent answers.
        streak = await repo.ensure_streak(channel_id=channel_row.id, user_id=member.id, now=now)
        existing = await repo.find_answer(round_id=round_.id, user_id=member.id)
        late = round_.status == RoundStatus.CLOSED
        stored = True
        gained = 0
        if existing is not None and (late or not replace_existing):
            stored, revision = False, existing.revision  # the earlier answer stands
        elif existing is not None:
            gained = 0 if existing.late else feedback.score - existing.points
            revision = _replace(existing, text, feedback, now, streak)
        else:
            revision = 1
            await repo.add_answer(_new_answer(round_, member.id, text, feedback, now, late=late))
            if not late:
                gained = feedback.score
                _count_answer(streak, round_, feedback.score, now, channel_row.freezes_enabled)
        if stored and not late:
            await repo.add_points(
                channel_id=channel_row.id,
                user_id=member.id,
                round_date=round_.round_date,
                points=gained,
                now=now,
                hidden=streak.hidden,
            )
        current = _state(streak).effective(channel_row.round_count)
        spent, held = streak.freezes_unseen, streak.freezes
        streak.freezes_unseen = 0
    reply = feedback_reply(feedback, streak=current, late=late, revision=revision)
    if not stored and not late:
        reply = replace(reply, footer=KEPT_EARLIER)
    reply = freezes.with_notice(reply, spent, held)
    result = "late" if late else ("stored" if stored else "kept-earlier")
    metrics.ANSWERS.labels(result=result).inc()
    return AnswerOutcome(feedback, current, late, revision, stored, round_.id, reply)


async def _target_round(repo: Repository, channel_id: int, round_id: int | None) -> Round:
    """Return the round being answered: the one given, or the channel's open round."""
    if round_id is None:
        round_ = await repo.latest_posted_round(channel_id=channel_id)
    else:
        round_ = await repo.get_round(round_id=round_id)
        if round_ is not None and round_.channel_id != channel_id:
            round_ = None
    if round_ is None or round_.seq is None:
        raise UserError(rounds.NO_ROUND_YET)
    return round_


def _state(row: Streak) -> StreakState:
    """Read the stored streak as a domain value."""
    return StreakState(row.current, row.longest, row.last_round_seq, row.freezes)


def _count_answer(row: Streak, round_: Round, score: int, now: datetime, freezes_on: bool) -> None:
    """Extend the streak with an on-time first answer (perhaps earning a freeze), add points."""
    assert round_.seq is not None
    before = _state(row)
    after = before.after_answer(round_.seq, freezes_on=freezes_on)
    if after != before:
        row.current, row.longest, row.last_round_seq = after.current, after.longest, round_.seq
        row.freezes = after.freezes
        row.reached_at = now
        if after.longest > before.longest:
            row.longest_at = now
    row.points += score


def _new_answer(
    round_: Round, user_id: int, text: str, feedback: Feedback, now: datetime, *, late: bool
) -> Answer:
    """Build the stored answer; late answers earn no points."""
    return Answer(
        round_id=round_.id,
        user_id=user_id,
        text=text,
        score=feedback.score,
        points=0 if late else feedback.score,
        covered=_coverage(feedback),
        grader_version=feedback.grader_version,
        revision=1,
        late=late,
        created_at=now,
        updated_at=now,
    )


def _replace(answer: Answer, text: str, feedback: Feedback, now: datetime, streak: Streak) -> int:
    """Replace an on-time answer with a new text and grade; points follow the new score."""
    if not answer.late:
        streak.points += feedback.score - answer.points
        answer.points = feedback.score
    answer.text, answer.score, answer.covered = text, feedback.score, _coverage(feedback)
    answer.grader_version, answer.updated_at = feedback.grader_version, now
    answer.revision += 1
    return answer.revision


def _coverage(feedback: Feedback) -> dict[str, object]:
    """What is kept of the feedback: covered and missed criterion ids with evidence."""
    return {
        "met": [r.id for r in feedback.covered],
        "missed": [r.id for r in feedback.missed],
        "evidence": {r.id: r.evidence for r in feedback.covered},
    }
