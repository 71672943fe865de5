"""Submit an answer: validate, grade, then store and update the streak in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from scalebot.db.engine import WriteConflict
from scalebot.db.repository import AnswerTarget, Repository, RoundToAnswer, StreakRecord
from scalebot.domain.questions import Question
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Reply
from scalebot.domain.streaks import StreakState
from scalebot.domain.untrusted import clean_text, public_name
from scalebot.grading.feedback import AsyncGrader, Feedback, Grader
from scalebot.locales import Translator, _
from scalebot.ops import metrics
from scalebot.services import events, freezes, languages, rounds
from scalebot.services.channels import NOT_ENROLLED
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, UserError
from scalebot.services.questions import question_of
from scalebot.services.replies import feedback_reply

log = logging.getLogger(__name__)
CONFLICT_RETRIES = 3
KEPT_EARLIER = _(
    "Your earlier answer to this round stands; this reply got feedback only. "
    "Use /scale answer to replace your answer."
)
EMPTY_ANSWER = _("Your answer is empty: write how you would scale it after /scale answer.")


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
            _(
                "Your answer is {length} characters; the limit is {limit}. "
                "Shorten it and send it again.",
                length=len(text),
                limit=MAX_ANSWER_CHARS,
            )
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
    t: Translator | None = None,
) -> AnswerOutcome:
    """Grade an answer to the channel's open round (or a given round) and store it.

    Answering again replaces the stored answer when the new one scores at least as much: the
    best answer counts, and a lower one gets feedback only. With `replace_existing=False` (a
    reply in the question's thread, which may be discussion) an answer the member already gave
    is kept, and the new text only gets feedback. The feedback reads in `t`'s language, else
    in the member's (languages.reader).
    """
    text = clean_text(text)  # PostgreSQL refuses NUL; no control character is worth keeping
    user = replace(user, display_name=public_name(user.display_name))
    validate_answer(text)
    question, round_id, target = await _question_to_answer(ctx, channel, user, round_id, now)
    # Grading happens outside the write transaction: an LLM grader may take seconds.
    feedback = await grade_answer(ctx.grader, question, text)
    if t is None:
        t = languages.stored_reader(
            ctx, user=user, channel=target.channel_language, member=target.member_language
        )
    answer = _Submission(user, text, now, round_id, feedback, replace_existing, question, t)
    for _attempt in range(CONFLICT_RETRIES):
        try:
            return await _submit(ctx, answer)
        except WriteConflict:
            # The member's answer arrived twice at once; a retry sees the first and replaces it.
            continue
    return await _submit(ctx, answer)


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
    ctx: AppContext, channel: ChannelRef, user: UserRef, round_id: int | None, now: datetime
) -> tuple[Question, int, AnswerTarget]:
    """Find the round being answered (its id) and its question, in one short read."""
    target = await _answer_target(ctx, channel, user, round_id)
    if target.unconfirmed is not None:
        # A question members see may still await its confirmation: ask the platform first.
        unconfirmed, sent_at = target.unconfirmed
        await rounds.confirm_sent(
            ctx, channel=channel, round_id=unconfirmed, sent_at=sent_at, now=now
        )
        target = await _answer_target(ctx, channel, user, round_id)
    if target.round_id is None or target.question_id is None:
        raise UserError(rounds.NO_ROUND_YET)
    question = ctx.bank.get(target.question_id)
    if question is None:  # the question left the bank: read its stored copy
        async with ctx.reading() as repo:
            question = await question_of(ctx, repo, target.question_id)
    return question, target.round_id, target


async def _answer_target(
    ctx: AppContext, channel: ChannelRef, user: UserRef, round_id: int | None
) -> AnswerTarget:
    """The channel's round to answer, in one query; refuse a channel that is not enrolled."""
    async with ctx.reading() as repo:
        target = await repo.answer_target(channel, round_id=round_id, user_id=user.user_id)
    if target is None:
        raise UserError(NOT_ENROLLED)
    return target


@dataclass(frozen=True)
class _Submission:
    """A graded answer on its way to being stored, and the translator its reply reads in."""

    user: UserRef
    text: str
    now: datetime
    round_id: int
    feedback: Feedback
    replace_existing: bool
    question: Question
    t: Translator


@dataclass(frozen=True)
class _Stored:
    """What storing an answer did: kept or written, its revision, the points it gained."""

    stored: bool
    revision: int
    gained: int
    first_on_time: bool
    kept_score: int | None = None  # the better score of the answer that stands, if it did


async def _submit(ctx: AppContext, answer: _Submission) -> AnswerOutcome:
    """Store a graded answer and update the streak in one write transaction."""
    async with ctx.writing() as repo:
        round_ = await repo.round_to_answer(round_id=answer.round_id)
        if round_ is None:
            raise UserError(rounds.NO_ROUND_YET)
        member_id = await repo.upsert_member(
            workspace_id=round_.workspace_id,
            external_id=answer.user.user_id,
            display_name=answer.user.display_name,
            now=answer.now,
        )
        # Lock the member's streak row first: it serialises their concurrent answers.
        before = await repo.locked_streak(channel_id=round_.channel_id, user_id=member_id)
        streak = before or _empty_streak(answer.now)
        stored = await _store(repo, round_, member_id, answer)
        if stored.stored and not round_.closed:
            await repo.add_points(
                channel_id=round_.channel_id,
                user_id=member_id,
                round_date=round_.round_date,
                points=stored.gained,
                now=answer.now,
                hidden=streak.hidden,
                season_on=round_.season_on,
            )
        after = _next_streak(streak, round_, stored, answer.now)
        if before is None or after != before:
            await repo.save_streak(
                channel_id=round_.channel_id, user_id=member_id, record=after, new=before is None
            )
    return _outcome(answer, round_, stored, streak, after)


def _outcome(
    answer: _Submission,
    round_: RoundToAnswer,
    stored: _Stored,
    streak: StreakRecord,
    after: StreakRecord,
) -> AnswerOutcome:
    """The reply and result of a stored (or kept-earlier) answer."""
    late, t = round_.closed, answer.t
    current = _state(after).effective(round_.round_count)
    reply = feedback_reply(
        answer.feedback,
        answer.question,
        streak=current,
        late=late,
        revision=stored.revision,
        t=t,
    )
    if stored.kept_score is not None:
        kept = _(
            "Your earlier answer scored {earlier}/100 and still counts: your best answer to a "
            "round counts. This one scored {score}/100 and got feedback only.",
            earlier=stored.kept_score,
            score=answer.feedback.score,
        )
        reply = replace(reply, footer=t(kept))
    elif not stored.stored and not late:
        reply = replace(reply, footer=t(KEPT_EARLIER))
    reply = freezes.with_notice(reply, streak.freezes_unseen, after.freezes, t)
    result = "late" if late else ("stored" if stored.stored else "kept-earlier")
    if stored.kept_score is not None:
        result = "kept-better"
    metrics.ANSWERS.labels(result=result).inc()
    return AnswerOutcome(
        answer.feedback, current, late, stored.revision, stored.stored, round_.round_id, reply
    )


async def _store(
    repo: Repository, round_: RoundToAnswer, member_id: int, answer: _Submission
) -> _Stored:
    """Insert a first answer, or replace the stored one unless it stands; one statement each."""
    feedback, late = answer.feedback, round_.closed
    graded = {
        "text": answer.text,
        "score": feedback.score,
        "covered": _coverage(feedback),
        "grader_version": feedback.grader_version,
        "updated_at": answer.now,
    }
    points = 0 if late else feedback.score  # late answers earn no points
    first = await repo.insert_answer(
        round_id=round_.round_id,
        user_id=member_id,
        points=points,
        revision=1,
        late=late,
        created_at=answer.now,
        **graded,
    )
    if first is not None:
        return _Stored(True, 1, points, first_on_time=not late)
    existing = await repo.stored_answer(round_id=round_.round_id, user_id=member_id)
    if existing is None:
        raise WriteConflict("the answer was deleted while being replaced")
    if late or not answer.replace_existing:
        return _Stored(False, existing.revision, 0, first_on_time=False)  # the earlier one stands
    if feedback.score < existing.score:  # the best answer counts
        return _Stored(False, existing.revision, 0, first_on_time=False, kept_score=existing.score)
    # Points follow the new score, unless the stored answer was late (it earned none).
    points = existing.points if existing.late else feedback.score
    revision = existing.revision + 1
    await repo.replace_answer(
        answer_id=existing.answer_id, points=points, revision=revision, **graded
    )
    return _Stored(True, revision, points - existing.points, first_on_time=False)


def _empty_streak(now: datetime) -> StreakRecord:
    """The streak of a member who never answered in the channel."""
    return StreakRecord(
        current=0, longest=0, last_round_seq=None, points=0, reached_at=now, longest_at=now
    )


def _state(row: StreakRecord) -> StreakState:
    """Read the stored streak as a domain value."""
    return StreakState(row.current, row.longest, row.last_round_seq, row.freezes)


def _next_streak(
    row: StreakRecord, round_: RoundToAnswer, stored: _Stored, now: datetime
) -> StreakRecord:
    """The streak after an answer: extended by an on-time first one, points added, told."""
    row = replace(row, points=row.points + stored.gained, freezes_unseen=0)
    if not stored.first_on_time:
        return row
    before = _state(row)
    after = before.after_answer(round_.seq, freezes_on=round_.freezes_enabled)
    if after == before:
        return row
    longer = after.longest > before.longest
    return replace(
        row,
        current=after.current,
        longest=after.longest,
        last_round_seq=round_.seq,
        freezes=after.freezes,
        reached_at=now,
        longest_at=now if longer else row.longest_at,
    )


def _coverage(feedback: Feedback) -> dict[str, object]:
    """What is kept of the feedback: covered and missed criterion ids with evidence."""
    return {
        "met": [r.id for r in feedback.covered],
        "missed": [r.id for r in feedback.missed],
        "evidence": {r.id: r.evidence for r in feedback.covered},
    }
