"""Post rounds exactly once, close them, and show the open one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from scalebot.db.engine import WriteConflict
from scalebot.db.models import Round
from scalebot.db.repository import Repository
from scalebot.domain.questions import Question
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply, error
from scalebot.domain.rounds import ChannelState, PostStatus, RoundStatus, RoundSummary, may_retake
from scalebot.services.channels import channel_info, require_channel
from scalebot.services.context import AppContext, ChannelUnavailable, UserError
from scalebot.services.questions import choose_question, question_for
from scalebot.services.replies import question_reply, summary_reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostOutcome:
    """The result of post_round."""

    status: PostStatus
    round_id: int | None = None
    seq: int | None = None
    question_id: str | None = None
    closed_round_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Claim:
    round_id: int
    channel: ChannelRef
    question: Question
    reply: Reply


async def post_round(
    ctx: AppContext, *, channel_id: int, now: datetime, manual: bool = False
) -> PostOutcome:
    """Claim today's round for a channel, then post it; a second call posts nothing."""
    try:
        claim = await _claim_round(ctx, channel_id=channel_id, now=now, manual=manual)
    except WriteConflict:
        return PostOutcome(PostStatus.EXISTS)  # another process claimed it at the same moment
    if isinstance(claim, PostOutcome):
        return claim
    try:
        message_ref = await ctx.messenger(claim.channel.platform).post_question(
            claim.channel, claim.reply, claim.round_id
        )
    except ChannelUnavailable as exc:
        await _record_failure(ctx, claim, now=now, pause_reason=str(exc))
        await _tell_admins_posting_stopped(ctx, claim.channel, str(exc))
        return PostOutcome(PostStatus.FAILED, claim.round_id, question_id=claim.question.id)
    except Exception:
        log.exception("posting round %s failed", claim.round_id)
        await _record_failure(ctx, claim, now=now, pause_reason=None)
        return PostOutcome(PostStatus.FAILED, claim.round_id, question_id=claim.question.id)
    seq, to_close = await _mark_posted(ctx, claim, message_ref=message_ref, now=now)
    for round_id in to_close:
        await close_round(ctx, round_id=round_id, now=now)
    return PostOutcome(PostStatus.POSTED, claim.round_id, seq, claim.question.id, tuple(to_close))


async def _claim_round(
    ctx: AppContext, *, channel_id: int, now: datetime, manual: bool
) -> _Claim | PostOutcome:
    """Insert (or retake a failed) round row for the channel's local date; own transaction."""
    async with ctx.writing() as repo:
        channel = await repo.get_channel(channel_id=channel_id, lock=True)
        if channel is None:
            return PostOutcome(PostStatus.MISSING)
        if channel.state != ChannelState.ACTIVE:
            return PostOutcome(PostStatus.PAUSED)
        info = channel_info(channel, await repo.get_workspace(workspace_id=channel.workspace_id))
        day = info.schedule.local_date(now)
        round_ = await repo.find_round(channel_id=channel.id, round_date=day)
        if round_ is not None and not may_retake(round_.status, round_.claimed_at, now):
            return PostOutcome(PostStatus.EXISTS, round_.id, round_.seq, round_.question_id)
        if round_ is None:
            counts = await repo.question_use_counts(channel_id=channel.id)
            question = choose_question(
                ctx.bank, counts, channel_id=channel.id, round_number=channel.round_count + 1
            )
            stored = await repo.get_question(question_id=question.id)
            assert stored is not None, "questions are synced at start"
            round_ = await repo.add_round(
                Round(
                    channel_id=channel.id,
                    round_date=day,
                    question_id=question.id,
                    question_version=stored.version,
                    status=RoundStatus.CLAIMED,
                    claimed_at=now,
                )
            )
        else:
            round_.status, round_.claimed_at = RoundStatus.CLAIMED, now
        stored = await repo.get_question(question_id=round_.question_id)
        assert stored is not None
        question = question_for(ctx, stored)
        log.info(
            "claimed round %s (%s) for channel %s%s",
            round_.id,
            day,
            channel.id,
            " by hand" if manual else "",
        )
        return _Claim(round_.id, info.ref, question, question_reply(question, round_date=day))


async def _mark_posted(
    ctx: AppContext, claim: _Claim, *, message_ref: str | None, now: datetime
) -> tuple[int, list[int]]:
    """Number the round, mark it posted, and return the older rounds it closes."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=claim.round_id)
        assert round_ is not None
        channel = await repo.get_channel(channel_id=round_.channel_id, lock=True)
        assert channel is not None
        channel.round_count += 1
        round_.seq = channel.round_count
        round_.status, round_.posted_at, round_.message_ref = RoundStatus.POSTED, now, message_ref
        await repo.break_missed_streaks(channel_id=channel.id, open_seq=round_.seq)
        older = await repo.open_rounds_before(channel_id=channel.id, seq=round_.seq)
        return round_.seq, [r.id for r in older]


async def _record_failure(
    ctx: AppContext, claim: _Claim, *, now: datetime, pause_reason: str | None
) -> None:
    """Mark the claimed round failed; pause the channel when the platform refuses it for good."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=claim.round_id)
        if round_ is not None:
            round_.status = RoundStatus.FAILED
        if pause_reason is not None and round_ is not None:
            channel = await repo.get_channel(channel_id=round_.channel_id, lock=True)
            if channel is not None:
                channel.state, channel.state_reason, channel.updated_at = (
                    ChannelState.PAUSED,
                    pause_reason,
                    now,
                )


async def _tell_admins_posting_stopped(ctx: AppContext, channel: ChannelRef, reason: str) -> None:
    """Tell the channel's admins, once, that posting stopped and how to restart it."""
    message = error(
        f"scalebot stopped posting to this channel: {reason}. "
        "Fix access, then run /scale admin resume."
    )
    try:
        await ctx.messenger(channel.platform).notify_admins(channel, message)
    except Exception:
        log.exception("could not tell the admins of %s that posting stopped", channel)


async def close_round(ctx: AppContext, *, round_id: int, now: datetime) -> RoundSummary | None:
    """Close an open round and post the model answer and group summary under it."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=round_id)
        if round_ is None or round_.status != RoundStatus.POSTED or round_.seq is None:
            return None
        round_.status, round_.closed_at = RoundStatus.CLOSED, now
        stored = await repo.get_question(question_id=round_.question_id)
        assert stored is not None
        question = question_for(ctx, stored)
        channel = await repo.get_channel(channel_id=round_.channel_id)
        assert channel is not None
        ref = channel_info(channel, await repo.get_workspace(workspace_id=channel.workspace_id)).ref
        thread, seq = round_.message_ref, round_.seq
    # Counted after the write commits, outside the write lock: answers arriving now are late.
    async with ctx.reading() as repo:
        summary = await _summarise(repo, round_id, seq, question)
    try:
        await ctx.messenger(ref.platform).post_in_thread(
            ref, thread, summary_reply(question, summary)
        )
    except Exception:
        log.exception("could not post the summary of round %s", round_id)
    return summary


async def _summarise(repo: Repository, round_id: int, seq: int, question: Question) -> RoundSummary:
    """Count answers, average score and the criterion most answers missed, by SQL aggregates."""
    answers, average = await repo.round_tally(round_id=round_id)
    if not answers:
        return RoundSummary(seq, 0, None, None, 0.0)
    missed = await repo.round_missed_counts(round_id=round_id)
    if not missed:
        return RoundSummary(seq, answers, average, None, 0.0)
    # Ties go to the criterion that comes first in the rubric.
    order = {criterion.id: index for index, criterion in enumerate(question.rubric)}
    missed_id = min(missed, key=lambda cid: (-missed[cid], order.get(cid, len(order)), cid))
    labels = {criterion.id: criterion.label for criterion in question.rubric}
    label = labels.get(missed_id, missed_id)
    return RoundSummary(seq, answers, average, label, missed[missed_id] / answers)


@dataclass(frozen=True)
class OpenRound:
    """The round members can answer now."""

    round_id: int
    seq: int
    question: Question
    reply: Reply


async def current_round(ctx: AppContext, *, channel: ChannelRef) -> OpenRound:
    """Return the channel's latest posted round, or explain why there is none."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        round_ = await repo.latest_posted_round(channel_id=row.id)
        if round_ is None or round_.seq is None:
            raise UserError(
                "No question has been posted here yet: wait for the first round, "
                "or ask an admin to run /scale admin post-now."
            )
        stored = await repo.get_question(question_id=round_.question_id)
        assert stored is not None
        question = question_for(ctx, stored)
        reply = question_reply(question, round_date=round_.round_date)
        return OpenRound(round_.id, round_.seq, question, reply)


async def round_for_message(
    ctx: AppContext, *, channel: ChannelRef, message_ref: str
) -> int | None:
    """Return the id of the round posted as a given message (a thread's parent), or None."""
    async with ctx.reading() as repo:
        row = await repo.find_channel(channel)
        if row is None:
            return None
        round_ = await repo.find_round_by_message(channel_id=row.id, message_ref=message_ref)
        return round_.id if round_ is not None else None


async def latest_post_time(ctx: AppContext, *, channel: ChannelRef) -> datetime | None:
    """When the channel's newest round was posted, or None before the first."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        round_ = await repo.latest_posted_round(channel_id=row.id)
        return round_.posted_at if round_ is not None else None


async def post_due_rounds(ctx: AppContext, *, now: datetime) -> list[PostOutcome]:
    """Post today's round in every active channel whose post time has passed (catch-up at start)."""
    async with ctx.reading() as repo:
        pairs = await repo.channel_refs()
    outcomes = []
    for channel, workspace in pairs:
        info = channel_info(channel, workspace)
        if info.active and info.schedule.is_due(now):
            outcomes.append(await post_round(ctx, channel_id=info.id, now=now))
    return outcomes
