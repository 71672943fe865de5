"""Post rounds exactly once, close them, and show the open one."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from scalebot.db.engine import TRANSIENT_ERRORS, WriteConflict
from scalebot.db.repository import ChannelRow, Repository, RoundRow, WorkspaceRow, claimed_round
from scalebot.domain.filters import QuestionFilter
from scalebot.domain.questions import Question
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply, error
from scalebot.domain.rounds import (
    RETRYABLE,
    UNSETTLED,
    ChannelState,
    PostStatus,
    RoundStatus,
    RoundSummary,
    may_claim,
)
from scalebot.locales import ENGLISH, Text, Translator, _
from scalebot.ops import metrics
from scalebot.services import digests, languages
from scalebot.services.batching import WriteBatcher
from scalebot.services.channels import ChannelInfo, channel_info, require_channel
from scalebot.services.context import AppContext, ChannelUnavailable, PostRefused, UserError
from scalebot.services.questions import choose_question, question_of
from scalebot.services.replies import question_reply, summary_reply

NO_ROUND_YET = _(
    "No question has been posted here yet: wait for the first round, "
    "or ask an admin to run /scale admin post-now."
)
log = logging.getLogger(__name__)
T = TypeVar("T")
# How long answering waits for the platform to say whether an unsettled post is visible.
CONFIRM_TIMEOUT = 5.0


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
    status: RoundStatus
    sent_at: datetime | None
    today: bool
    t: Translator  # the channel's: its admins read the notices about this round too
    # Older rounds this claim closed: their summaries go out before the new question.
    closing: tuple[int, ...] = ()
    # (channel id, Monday of the week) of the digest this claim posts after the summaries.
    digest: tuple[int, date] | None = None


async def post_round(
    ctx: AppContext,
    *,
    channel_id: int,
    now: datetime,
    manual: bool = False,
    due_only: bool = False,
) -> PostOutcome:
    """Claim today's round for a channel, then post it; a second call posts nothing.

    With `due_only` (a scheduled job) a channel whose post time has not come (or whose local
    day is over) gets NOT_DUE and nothing is claimed.
    """
    request = _ClaimRequest(channel_id, now, manual, due_only)
    try:
        claim = await _batched(ctx, "claim", _claims_in, key=_by_channel).write(request)
    except WriteConflict:
        return _counted(PostOutcome(PostStatus.EXISTS))  # another process claimed it just now
    if isinstance(claim, PostOutcome):
        return _counted(claim)
    return _counted(await _settle(ctx, claim, now=now))


async def resolve_round(ctx: AppContext, *, round_id: int, now: datetime) -> PostOutcome:
    """Take over a round whose lease ran out and settle it: post, find, or retry it."""
    claim = await _take_over(ctx, round_id=round_id, now=now)
    if isinstance(claim, PostOutcome):
        return _counted(claim)
    return _counted(await _settle(ctx, claim, now=now))


def _counted(outcome: PostOutcome) -> PostOutcome:
    """Count a post attempt's outcome in the metrics."""
    metrics.POSTS.labels(outcome=outcome.status.value).inc()
    return outcome


async def claims_awaiting(ctx: AppContext) -> int:
    """How many rounds are claimed, sending or of unknown outcome right now."""
    unsettled = (RoundStatus.CLAIMED, RoundStatus.SENDING, RoundStatus.UNKNOWN)
    async with ctx.reading() as repo:
        return await repo.count_rounds(statuses=unsettled)


async def _settle(ctx: AppContext, claim: _Claim, *, now: datetime) -> PostOutcome:
    """Send a claimed round; for one that may have been sent, ask the platform first."""
    await _post_summaries(ctx, claim)
    if claim.status in (RoundStatus.SENDING, RoundStatus.UNKNOWN):
        assert claim.sent_at is not None
        try:
            found = await ctx.messenger(claim.channel.platform).find_question(
                claim.channel, claim.round_id, claim.sent_at
            )
        except Exception as exc:
            log.warning("round %s: cannot tell whether it was posted (%r)", claim.round_id, exc)
            await _set_unknown(ctx, claim.round_id, retry_in=ctx.delivery.retry_base, now=now)
            return PostOutcome(PostStatus.PENDING, claim.round_id)
        if found is not None:
            log.info("round %s was posted before (%s); recording it", claim.round_id, found)
            return await _posted(ctx, claim, message_ref=found, now=now)
        if not claim.today:
            await _record_failure(ctx, claim, now=now, pause_reason=None, final=True)
            return PostOutcome(PostStatus.FAILED, claim.round_id)
        log.info("round %s is not on the platform; sending it again", claim.round_id)
    return await _send(ctx, claim, now=now)


async def _send(ctx: AppContext, claim: _Claim, *, now: datetime) -> PostOutcome:
    """Mark the round sending, call the platform once, and record what came back."""
    await _mark_sending(ctx, claim.round_id, now=now)
    started = time.monotonic()
    try:
        async with asyncio.timeout(ctx.delivery.post_timeout.total_seconds()):
            message_ref = await ctx.messenger(claim.channel.platform).post_question(
                claim.channel, claim.reply, claim.round_id
            )
    except ChannelUnavailable as exc:
        await _record_failure(ctx, claim, now=now, pause_reason=str(exc))
        await _tell_admins_posting_stopped(ctx, claim, exc.args[0] if exc.args else str(exc))
        return PostOutcome(PostStatus.FAILED, claim.round_id, question_id=claim.question.id)
    except PostRefused as exc:
        log.warning("round %s: the platform refused the post (%s); will retry", claim.round_id, exc)
        await _record_failure(ctx, claim, now=now, pause_reason=None)
        return PostOutcome(PostStatus.FAILED, claim.round_id, question_id=claim.question.id)
    except Exception as exc:
        # The request may have reached the platform: never re-send before looking for it.
        log.warning("round %s: no answer to the post (%r); outcome unknown", claim.round_id, exc)
        later = now + timedelta(seconds=time.monotonic() - started)
        await _set_unknown(ctx, claim.round_id, retry_in=ctx.delivery.settle, now=later)
        return PostOutcome(PostStatus.PENDING, claim.round_id, question_id=claim.question.id)
    return await _posted(ctx, claim, message_ref=message_ref, now=now)


async def _posted(
    ctx: AppContext, claim: _Claim, *, message_ref: str | None, now: datetime
) -> PostOutcome:
    """Record a post the platform confirmed, then close the rounds it replaces."""
    seq, to_close = await _retrying(
        ctx, lambda: _mark_posted(ctx, claim.round_id, message_ref=message_ref, now=now)
    )
    for round_id in to_close:  # rounds confirmed only while this one was being sent
        await post_summary(ctx, round_id=round_id)
    closed = (*claim.closing, *to_close)
    return PostOutcome(PostStatus.POSTED, claim.round_id, seq, claim.question.id, closed)


async def _post_summaries(ctx: AppContext, claim: _Claim) -> None:
    """Post the summaries of the rounds a claim closed, then its weekly digest, in one timeout.

    The claim's lease must outlive them and the post that follows, so a slow platform
    costs a summary or the digest, never a second copy of the question.
    """
    round_ids = claim.closing
    if not round_ids and claim.digest is None:
        return
    try:
        async with asyncio.timeout(ctx.delivery.post_timeout.total_seconds()):
            for round_id in round_ids:
                await post_summary(ctx, round_id=round_id)
            if claim.digest is not None:
                channel_id, week = claim.digest
                await digests.post_digest(ctx, channel_id=channel_id, week=week)
    except TimeoutError:
        log.warning("round %s: summaries or digest timed out; posting the question", claim.round_id)


async def _retrying(ctx: AppContext, write: Callable[[], Awaitable[T]]) -> T:
    """Retry a write a few times with backoff: the post is out, so its record must follow."""
    delay = 0.5
    for _attempt in range(MARK_ATTEMPTS - 1):
        try:
            return await write()
        except TRANSIENT_ERRORS as exc:
            log.warning("recording a post failed (%r); retrying in %.1f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, ctx.delivery.lease.total_seconds() / 4)
    return await write()


MARK_ATTEMPTS = 6


@dataclass(frozen=True)
class _ClaimRequest:
    channel_id: int
    now: datetime
    manual: bool
    due_only: bool


def _by_channel(request: _ClaimRequest) -> int:
    """Claims lock their channel rows in id order."""
    return request.channel_id


def _batched(
    ctx: AppContext,
    name: str,
    write_many: Callable[[AppContext, Repository, list[Any]], Awaitable[list[Any]]],
    *,
    key: Callable[[Any], Any],
) -> WriteBatcher[Any, Any]:
    """The context's batcher for one kind of round write (a fan-out shares transactions)."""
    batcher = ctx.batchers.get(name)
    if batcher is None:
        batcher = WriteBatcher(ctx.writing, partial(write_many, ctx), key=key)
        ctx.batchers[name] = batcher
    return batcher


@dataclass
class _ClaimReads:
    """What a batch of claims read, one statement per kind for the whole batch.

    Kept up to date as the batch's items are claimed one after another, so each item sees
    what the items before it wrote, as it would in a transaction of its own.
    """

    channels: dict[int, tuple[ChannelRow, WorkspaceRow]]
    rounds: dict[tuple[int, date], RoundRow]
    skipped: set[tuple[int, date]]
    counts: dict[int, dict[str, int]]
    versions: dict[str, int]


@dataclass(frozen=True)
class _Claimed:
    request: _ClaimRequest
    round_: RoundRow
    status: RoundStatus
    channel: ChannelRow
    info: ChannelInfo


async def _claims_in(
    ctx: AppContext, repo: Repository, requests: list[_ClaimRequest]
) -> list[_Claim | PostOutcome]:
    """Insert (or retake a failed) round row for each channel's local date, before posting.

    A second request for a channel already in the batch (a manual post beside the scheduled
    one) is claimed after the first ones are written, so it sees their rounds.
    """
    firsts: dict[int, int] = {}
    repeats: list[int] = []
    for index, request in enumerate(requests):
        if request.channel_id in firsts:
            repeats.append(index)
        else:
            firsts[request.channel_id] = index
    claims = await _claims_of_channels(ctx, repo, [requests[i] for i in firsts.values()])
    results = dict(zip(firsts.values(), claims, strict=True))
    if repeats:
        later = await _claims_in(ctx, repo, [requests[i] for i in repeats])
        results.update(zip(repeats, later, strict=True))
    return [results[index] for index in range(len(requests))]


async def _claims_of_channels(
    ctx: AppContext, repo: Repository, requests: list[_ClaimRequest]
) -> list[_Claim | PostOutcome]:
    """Claim the rounds of distinct channels in a few statements for the whole batch.

    The batch reads its channels (locked), their rounds for the day, skipped dates, question
    counts and versions in one statement each, inserts the new rounds in one, and closes the
    older open rounds after one read of them.
    """
    reads = await _read_for_claims(repo, requests)
    results = [_claim_one(ctx, reads, request) for request in requests]
    claimed = [result for result in results if isinstance(result, _Claimed)]
    await repo.insert_rounds([item.round_ for item in claimed if item.round_.id is None])
    closing = await _close_older_many(repo, claimed)
    weeks = await _digests_of(repo, claimed)
    claims: list[_Claim | PostOutcome] = []
    for result in results:
        if isinstance(result, PostOutcome):
            claims.append(result)
            continue
        made = await _claim_made(ctx, repo, result, closing.get(result.round_.id, ()))
        week = weeks.get(result.round_.id)
        claims.append(replace(made, digest=None if week is None else (result.channel.id, week)))
    return claims


async def _digests_of(repo: Repository, claimed: list[_Claimed]) -> dict[int, date]:
    """Claim the week's digest for each round nothing of which was sent yet (see digests)."""
    fresh = [item for item in claimed if item.status is RoundStatus.CLAIMED]
    weeks = await digests.claim_digests(
        repo,
        [
            digests.DigestClaim(
                channel_id=item.channel.id,
                enabled=item.channel.digest_enabled,
                rounds_so_far=item.channel.round_count,
                round_id=item.round_.id,
                round_date=item.round_.round_date,
                now=item.request.now,
            )
            for item in fresh
        ],
    )
    return {round_id: week for round_id, week in weeks.items() if week is not None}


async def _read_for_claims(repo: Repository, requests: list[_ClaimRequest]) -> _ClaimReads:
    """Read what a batch of claims decides on, one statement per kind."""
    ids = sorted({request.channel_id for request in requests})
    channels = await repo.channels_with_workspaces(channel_ids=ids, lock=True)
    wanted = set()
    for request in requests:
        if request.channel_id in channels:
            channel, workspace = channels[request.channel_id]
            day = channel_info(channel, workspace).schedule.local_date(request.now)
            wanted.add((channel.id, day))
    reads = _ClaimReads(channels, {}, set(), {}, {})
    if not wanted:
        return reads
    found = await repo.rounds_on(
        channel_ids=sorted({c for c, _ in wanted}), days=sorted({d for _, d in wanted})
    )
    reads.rounds = {(r.channel_id, r.round_date): r for r in found}
    fresh = sorted(pair for pair in wanted if pair not in reads.rounds)
    if fresh:
        reads.skipped = await repo.skips.skipped_among(fresh)
        reads.counts = await repo.question_use_counts_in(channel_ids=[c for c, _ in fresh])
        reads.versions = await repo.question_versions()
    return reads


def _claim_one(
    ctx: AppContext, reads: _ClaimReads, request: _ClaimRequest
) -> _Claimed | PostOutcome:
    """Claim one channel's round from the batch's reads (a new round is made, not stored)."""
    found = reads.channels.get(request.channel_id)
    if found is None:
        return PostOutcome(PostStatus.MISSING)
    channel, workspace = found
    if channel.state != ChannelState.ACTIVE:
        return PostOutcome(PostStatus.PAUSED)
    info, now = channel_info(channel, workspace), request.now
    if request.due_only and not info.schedule.is_due(now):
        return PostOutcome(PostStatus.NOT_DUE)
    day = info.schedule.local_date(now)
    round_ = reads.rounds.get((channel.id, day))
    if round_ is None:
        if (channel.id, day) in reads.skipped:
            return PostOutcome(PostStatus.SKIPPED)
        round_ = _new_round(ctx, reads, channel, day, now)
        return _Claimed(request, round_, RoundStatus.CLAIMED, channel, info)
    busy = _not_ours(round_, now, manual=request.manual)
    if busy is not None:
        return busy
    status = RoundStatus(round_.status)
    if status is RoundStatus.FAILED:
        status = RoundStatus.CLAIMED  # nothing of it is visible: start over
    round_.status, round_.lease_until = status, now + ctx.delivery.lease
    return _Claimed(request, round_, status, channel, info)


async def _close_older_many(
    repo: Repository, claimed: list[_Claimed]
) -> dict[int, tuple[int, ...]]:
    """Close each fresh claim's older open rounds (see _close_older), by the claim's round id."""
    fresh = [item for item in claimed if item.status is RoundStatus.CLAIMED]
    if not fresh:
        return {}
    ids = sorted({item.channel.id for item in fresh})
    open_rounds = await repo.open_rounds_of(channel_ids=ids, lock=True)
    closing = {}
    for item in fresh:
        round_, now = item.round_, item.request.now
        older = sorted(
            (
                r
                for r in open_rounds
                if r.channel_id == round_.channel_id
                and r.round_date < round_.round_date
                and r.status == RoundStatus.POSTED
            ),
            key=lambda r: r.round_date,
        )
        for r in older:
            r.status, r.closed_at = RoundStatus.CLOSED, now
        closing[round_.id] = tuple(r.id for r in older)
    return closing


async def _claim_made(
    ctx: AppContext, repo: Repository, item: _Claimed, closing: tuple[int, ...]
) -> _Claim:
    """The claim of one round of a batch, once its row has an id."""
    manual = " by hand" if item.request.manual else ""
    day, channel = item.round_.round_date, item.channel
    log.info("claimed round %s (%s) for channel %s%s", item.round_.id, day, channel.id, manual)
    t = languages.channel_reader(ctx, channel.language)
    where = (item.info.ref, t)
    claim = await _claim_of(ctx, repo, item.round_, where, item.status, today=True, closing=closing)
    return replace(claim, reply=replace(claim.reply, ping=channel.ping))


async def _close_older(
    repo: Repository, round_: RoundRow, status: RoundStatus, *, now: datetime
) -> tuple[int, ...]:
    """Close the channel's open rounds before this one, when nothing of this one was sent yet.

    Closing before sending puts the old round's summary above the new question. Streaks
    that missed it break once the new round is numbered; an answer to it is late from here.
    """
    if status is not RoundStatus.CLAIMED:
        return ()
    older = await repo.open_rounds_dated_before(
        channel_id=round_.channel_id, round_date=round_.round_date
    )
    for closing in older:
        closing.status, closing.closed_at = RoundStatus.CLOSED, now
    return tuple(closing.id for closing in older)


def _not_ours(round_: RoundRow, now: datetime, *, manual: bool) -> PostOutcome | None:
    """Why an existing round row cannot be claimed now, or None when it can."""
    if may_claim(round_.status, round_.lease_until, now, manual=manual):
        return None
    if round_.status in (RoundStatus.POSTED, RoundStatus.CLOSED):
        return PostOutcome(PostStatus.EXISTS, round_.id, round_.seq, round_.question_id)
    return PostOutcome(PostStatus.PENDING, round_.id, question_id=round_.question_id)


def _new_round(
    ctx: AppContext, reads: _ClaimReads, channel: ChannelRow, day: date, now: datetime
) -> RoundRow:
    """A claimed round with the channel's next question (counted in `reads` at once)."""
    counts = reads.counts.setdefault(channel.id, {})
    asked = QuestionFilter.stored(channel.topics, channel.difficulties).apply(ctx.bank)
    question = choose_question(
        asked, counts, channel_id=channel.id, round_number=channel.round_count + 1
    )
    version = reads.versions.get(question.id)
    assert version is not None, "questions are synced at start"
    counts[question.id] = counts.get(question.id, 0) + 1
    return claimed_round(
        channel_id=channel.id,
        round_date=day,
        question_id=question.id,
        question_version=version,
        now=now,
        lease_until=now + ctx.delivery.lease,
    )


async def _claim_of(
    ctx: AppContext,
    repo: Repository,
    round_: RoundRow,
    where: tuple[ChannelRef, Translator],
    status: RoundStatus,
    *,
    today: bool,
    closing: tuple[int, ...] = (),
) -> _Claim:
    """What settling a claimed round needs, read inside the claiming transaction.

    `where` is the channel and its translator (the daily post reads in its language).
    """
    ref, t = where
    question = await question_of(ctx, repo, round_.question_id)
    reply = question_reply(question, round_date=round_.round_date, t=t)
    return _Claim(round_.id, ref, question, reply, status, round_.sent_at, today, t, closing)


async def _take_over(ctx: AppContext, *, round_id: int, now: datetime) -> _Claim | PostOutcome:
    """Claim a round whose lease ran out, in its own transaction; a live lease is left alone."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=round_id, lock=True)
        if round_ is None:
            return PostOutcome(PostStatus.MISSING)
        if round_.status not in RETRYABLE:
            return PostOutcome(PostStatus.EXISTS, round_.id, round_.seq, round_.question_id)
        if round_.lease_until is not None and round_.lease_until > now:
            return PostOutcome(PostStatus.PENDING, round_.id)
        channel = await repo.get_channel(channel_id=round_.channel_id, lock=True)
        assert channel is not None
        info = channel_info(channel, await repo.get_workspace(workspace_id=channel.workspace_id))
        today = info.schedule.local_date(now) == round_.round_date
        status = RoundStatus(round_.status)
        if status is RoundStatus.CLAIMED and not today:
            # Nothing of ours was sent (sending is recorded first), and a past day's question
            # is not worth posting now; a claim left by an older version may even be visible.
            round_.status, round_.lease_until = RoundStatus.FAILED, None
            return PostOutcome(PostStatus.FAILED, round_.id)
        if status is RoundStatus.FAILED:
            if not (today and info.active):
                round_.lease_until = None  # a past day's failure stays failed
                return PostOutcome(PostStatus.FAILED, round_.id)
            status = RoundStatus.CLAIMED
        round_.status, round_.lease_until = status, now + ctx.delivery.lease
        log.info("round %s: taking over a %s claim whose lease ran out", round_.id, round_.status)
        closing = await _close_older(repo, round_, status, now=now)
        t = languages.channel_reader(ctx, channel.language)
        claim = await _claim_of(
            ctx, repo, round_, (info.ref, t), status, today=today, closing=closing
        )
        return replace(claim, reply=replace(claim.reply, ping=channel.ping))


async def _mark_sending(ctx: AppContext, round_id: int, *, now: datetime) -> None:
    """Record that a request is about to go out, with a lease longer than its timeout."""
    batcher = _batched(ctx, RoundStatus.SENDING, _sending_many, key=_by_round)
    await batcher.write(_RoundWrite(round_id, now))


@dataclass(frozen=True)
class _RoundWrite:
    round_id: int
    now: datetime
    message_ref: str | None = None


def _by_round(write: _RoundWrite) -> int:
    """Round writes lock their rows in id order."""
    return write.round_id


async def _sending_many(ctx: AppContext, repo: Repository, writes: list[_RoundWrite]) -> list[None]:
    """Mark a batch's rounds sending, in one statement."""
    lease = ctx.delivery.lease
    await repo.mark_sending_many([(w.round_id, w.now, w.now + lease) for w in writes])
    return [None] * len(writes)


async def _set_unknown(
    ctx: AppContext, round_id: int, *, retry_in: timedelta, now: datetime
) -> None:
    """Leave the round for a watchdog to look for on the platform after `retry_in`."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=round_id, lock=True)
        if round_ is not None and round_.status in UNSETTLED:
            round_.status, round_.lease_until = RoundStatus.UNKNOWN, now + retry_in


async def _mark_posted(
    ctx: AppContext, round_id: int, *, message_ref: str | None, now: datetime
) -> tuple[int | None, list[int]]:
    """Number the round, mark it posted, break missed streaks, close stragglers (idempotent).

    The claim closed the older rounds already; one confirmed since is closed here, in the
    same transaction as the streaks that missed it break, so an answer to it is late and
    cannot extend a streak that was just broken. A post confirmed only after a newer round
    went out is recorded closed, without a number, so it never takes over as the open round.
    """
    batcher = _batched(ctx, RoundStatus.POSTED, _posted_many, key=_by_round)
    result: tuple[int | None, list[int]] = await batcher.write(
        _RoundWrite(round_id, now, message_ref)
    )
    return result


@dataclass
class _PostedReads:
    """What a batch of confirmed posts read (rounds and channels locked), kept up to date."""

    rounds: dict[int, RoundRow]
    channels: dict[int, ChannelRow]
    newest: dict[int, RoundRow]  # each channel's newest posted round
    open_rounds: dict[int, list[RoundRow]]  # each channel's posted rounds not closed yet
    # (channel id, number of the round just opened, freezes on) for the streaks to settle
    opened: list[tuple[int, int, bool]]


async def _posted_many(
    ctx: AppContext, repo: Repository, writes: list[_RoundWrite]
) -> list[tuple[int | None, list[int]]]:
    """Record a batch of confirmed posts (see _mark_posted): a few statements for them all."""
    found = await repo.get_rounds(round_ids=sorted({w.round_id for w in writes}), lock=True)
    channel_ids = sorted({r.channel_id for r in found.values()})
    channels = await repo.get_channels(channel_ids=channel_ids, lock=True)
    reads = _PostedReads(found, channels, {}, {}, [])
    if any(r.seq is None and r.status != RoundStatus.CLOSED for r in found.values()):
        reads.newest = await repo.latest_posted_rounds(channel_ids=channel_ids)
        for open_round in await repo.open_rounds_of(channel_ids=channel_ids):
            reads.open_rounds.setdefault(open_round.channel_id, []).append(open_round)
    results = [_posted_one(reads, write) for write in writes]
    if reads.opened:
        await repo.break_missed_streaks_many(reads.opened)
    return results


def _posted_one(reads: _PostedReads, write: _RoundWrite) -> tuple[int | None, list[int]]:
    """Record one confirmed post of a batch, from the batch's reads."""
    round_id, message_ref, now = write.round_id, write.message_ref, write.now
    round_ = reads.rounds.get(round_id)
    assert round_ is not None
    if round_.seq is not None or round_.status == RoundStatus.CLOSED:
        if message_ref and round_.message_ref != message_ref:
            log.warning("round %s was recorded as %s already", round_id, round_.message_ref)
        return round_.seq, []
    channel = reads.channels.get(round_.channel_id)
    assert channel is not None
    newest = reads.newest.get(channel.id)
    round_.posted_at, round_.message_ref, round_.lease_until = now, message_ref, None
    if newest is not None and newest.round_date > round_.round_date:
        log.warning("round %s was confirmed after a newer round; kept closed", round_id)
        round_.status, round_.closed_at = RoundStatus.CLOSED, now
        return None, []
    channel.round_count += 1
    round_.seq = channel.round_count
    round_.status = RoundStatus.POSTED
    open_rounds = reads.open_rounds.setdefault(channel.id, [])
    older = [r for r in open_rounds if r.status == RoundStatus.POSTED and (r.seq or 0) < round_.seq]
    for closing in older:
        closing.status, closing.closed_at = RoundStatus.CLOSED, now
    open_rounds.append(round_)
    reads.newest[channel.id] = round_
    reads.opened.append((channel.id, round_.seq, channel.freezes_enabled))
    return round_.seq, [r.id for r in older]


async def _record_failure(
    ctx: AppContext,
    claim: _Claim,
    *,
    now: datetime,
    pause_reason: str | None,
    final: bool = False,
) -> None:
    """Mark the round failed with its next retry time; pause the channel when refused for good."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=claim.round_id, lock=True)
        if round_ is None or round_.status not in UNSETTLED:
            return
        round_.status = RoundStatus.FAILED
        retry = not final and pause_reason is None
        round_.lease_until = now + ctx.delivery.retry_delay(round_.attempts) if retry else None
        if pause_reason is not None:
            channel = await repo.get_channel(channel_id=round_.channel_id, lock=True)
            if channel is not None:
                channel.state, channel.updated_at = ChannelState.PAUSED, now
                channel.state_reason = pause_reason


async def _tell_admins_posting_stopped(ctx: AppContext, claim: _Claim, reason: Text) -> None:
    """Tell the channel's admins, once, that posting stopped and how to restart it."""
    channel = claim.channel
    said = claim.t(
        _(
            "scalebot stopped posting to this channel: {reason}. "
            "Fix access, then run /scale admin resume.",
            reason=reason,
        )
    )
    message = replace(error(said), language=claim.t.language)
    try:
        await ctx.messenger(channel.platform).notify_admins(channel, message)
    except Exception:
        log.exception("could not tell the admins of %s that posting stopped", channel)


async def close_round(ctx: AppContext, *, round_id: int, now: datetime) -> RoundSummary | None:
    """Close an open round and post the model answer and group summary under it."""
    async with ctx.writing() as repo:
        round_ = await repo.get_round(round_id=round_id, lock=True)
        if round_ is None or round_.status != RoundStatus.POSTED or round_.seq is None:
            return None
        round_.status, round_.closed_at = RoundStatus.CLOSED, now
    return await post_summary(ctx, round_id=round_id)


async def post_summary(ctx: AppContext, *, round_id: int) -> RoundSummary | None:
    """Post a closed round's model answer and group summary under it."""
    async with ctx.reading() as repo:
        round_ = await repo.get_round(round_id=round_id)
        if round_ is None or round_.status != RoundStatus.CLOSED or round_.seq is None:
            return None
        question = await question_of(ctx, repo, round_.question_id)
        channel = await repo.get_channel(channel_id=round_.channel_id)
        assert channel is not None
        ref = channel_info(channel, await repo.get_workspace(workspace_id=channel.workspace_id)).ref
        t = languages.channel_reader(ctx, channel.language)  # a public post
        # Counted after the closing write committed, outside the write lock.
        summary = await _summarise(repo, round_id, round_.seq, question)
        thread = round_.message_ref
    try:
        await ctx.messenger(ref.platform).post_in_thread(
            ref, thread, summary_reply(question, summary, t=t)
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


async def current_round(
    ctx: AppContext, *, channel: ChannelRef, t: Translator = ENGLISH, now: datetime | None = None
) -> OpenRound:
    """Return the channel's latest posted round, or explain why there is none."""
    await confirm_visible(ctx, channel=channel, now=now or datetime.now(UTC))
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        round_ = await repo.latest_posted_round(channel_id=row.id)
        if round_ is None or round_.seq is None:
            raise UserError(NO_ROUND_YET)
        question = await question_of(ctx, repo, round_.question_id)
        reply = question_reply(question, round_date=round_.round_date, t=t)
        return OpenRound(round_.id, round_.seq, question, reply)


async def confirm_visible(ctx: AppContext, *, channel: ChannelRef, now: datetime) -> None:
    """When the channel's newest round was sent but not confirmed, ask the platform now.

    A member who sees the question can then answer it at once, without waiting for the
    watchdog; a post the platform does not show yet changes nothing.
    """
    async with ctx.reading() as repo:
        row = await repo.find_channel(channel)
        newest = await repo.latest_round(channel_id=row.id) if row is not None else None
        if newest is None or newest.status not in (RoundStatus.SENDING, RoundStatus.UNKNOWN):
            return
        round_id, sent_at = newest.id, newest.sent_at
    if sent_at is None:
        return
    await confirm_sent(ctx, channel=channel, round_id=round_id, sent_at=sent_at, now=now)


async def confirm_sent(
    ctx: AppContext, *, channel: ChannelRef, round_id: int, sent_at: datetime, now: datetime
) -> None:
    """Ask the platform whether a sent round's post is visible, and record it when it is."""
    try:
        async with asyncio.timeout(CONFIRM_TIMEOUT):
            found = await ctx.messenger(channel.platform).find_question(channel, round_id, sent_at)
    except Exception as exc:
        log.info("round %s: could not confirm its post (%r)", round_id, exc)
        return
    if found is not None:
        seq, to_close = await _mark_posted(ctx, round_id, message_ref=found, now=now)
        log.info("round %s confirmed on the platform as %s (round %s)", round_id, found, seq)
        for older in to_close:
            await post_summary(ctx, round_id=older)


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
    """Post today's round in every active channel whose post time passed and that has none."""
    outcomes = []
    for channel_id in await channels_due(ctx, now=now):
        outcomes.append(await post_round(ctx, channel_id=channel_id, now=now))
    return outcomes


async def channels_due(ctx: AppContext, *, now: datetime) -> list[int]:
    """Ids of the active channels whose round for today is due and not yet claimed."""
    async with ctx.reading() as repo:
        rows = await repo.channels_with_last_round()
    due = []
    for channel, workspace, last in rows:
        info = channel_info(channel, workspace)
        if info.active and info.schedule.is_due(now) and last != info.schedule.local_date(now):
            due.append((info.id, info.schedule.local_date(now)))
    if not due:
        return []
    async with ctx.reading() as repo:
        skipped = await repo.skips.skipped_among(due)
    return [channel_id for channel_id, day in due if (channel_id, day) not in skipped]


async def rounds_to_resolve(ctx: AppContext, *, now: datetime, limit: int = 500) -> list[int]:
    """Ids of rounds whose lease ran out: unsettled claims, and failed posts due a retry."""
    async with ctx.reading() as repo:
        rows = await repo.rounds_to_resolve(statuses=RETRYABLE, now=now, limit=limit)
    return [round_.id for round_, _channel, _workspace in rows]
