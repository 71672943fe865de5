"""Posting rounds: claim first, post once, close the previous round with a summary."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from scalebot.bank.loader import load_bank
from scalebot.db.models import Round
from scalebot.domain.questions import CANONICAL_QUESTION_ID, QuestionBank
from scalebot.domain.refs import UserRef
from scalebot.domain.rounds import PostStatus, RoundStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.services import answers, channels, rounds, standings
from scalebot.services.context import AppContext, PostRefused, UserError
from scalebot.services.questions import choose_question
from tests.conftest import ALICE, BOB, CHANNEL, FakeMessenger

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD_ANSWER = (
    "I would monitor drift and retrain because data changes, use distributed training "
    "with mini-batch SGD, and cache predictions to cut latency."
)


async def enroll(ctx: AppContext, days: Days = Days.DAILY, zone: str = "UTC") -> int:
    """Enroll the test channel at 09:00 and return its id."""
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), days, zone), now=MONDAY_9
    )
    return info.id


async def test_first_round_posts_the_canonical_question(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert outcome.status is PostStatus.POSTED
    assert outcome.seq == 1
    assert outcome.question_id == CANONICAL_QUESTION_ID
    [(channel, reply, round_id)] = messenger.questions
    assert channel == CHANNEL
    assert round_id == outcome.round_id
    assert "How would you scale your ML model?" in reply.plain_text()
    assert not reply.private


async def test_second_call_for_the_same_local_date_posts_nothing(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    first = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    again = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(hours=3))
    assert again.status is PostStatus.EXISTS
    assert again.round_id == first.round_id
    assert len(messenger.questions) == 1


async def test_local_date_follows_the_channel_zone(ctx: AppContext) -> None:
    """At 23:30 UTC on Monday it is already Tuesday in Tokyo: a new round is due there."""
    channel_id = await enroll(ctx, zone="Asia/Tokyo")
    late_monday_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=late_monday_utc)
    assert outcome.status is PostStatus.POSTED
    async with ctx.reading() as repo:
        round_ = await repo.get_round(round_id=outcome.round_id or 0)
    assert round_ is not None
    assert round_.round_date == date(2026, 3, 3)


async def test_next_round_closes_the_previous_one_with_a_summary(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    first = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=GOOD_ANSWER, now=MONDAY_9 + timedelta(hours=1)
    )
    await answers.submit_answer(
        ctx, channel=CHANNEL, user=BOB, text="Buy GPUs.", now=MONDAY_9 + timedelta(hours=2)
    )
    second = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    assert second.closed_round_ids == (first.round_id,)
    [(_channel, thread, summary)] = messenger.thread_posts
    assert thread == f"msg-{first.round_id}"
    text = summary.plain_text()
    assert "2 answers" in text
    assert "Model answer" in text
    assert "Most missed" in text
    async with ctx.reading() as repo:
        closed = await repo.get_round(round_id=first.round_id or 0)
    assert closed is not None
    assert closed.status == "closed"


async def test_the_previous_round_closes_before_the_new_question_is_posted(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    first = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    second = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    assert messenger.timeline == [
        f"question {first.round_id}",
        f"thread msg-{first.round_id}",
        f"question {second.round_id}",
    ]


async def test_a_summary_is_posted_once_when_the_new_post_is_retried(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    first = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    tuesday = MONDAY_9 + timedelta(days=1)
    messenger.fail_with = PostRefused("ratelimited")
    failed = await rounds.post_round(ctx, channel_id=channel_id, now=tuesday)
    assert failed.status is PostStatus.FAILED
    late = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=GOOD_ANSWER, now=tuesday, round_id=first.round_id
    )
    assert late.late  # Monday closed when Tuesday was claimed, before its post was tried
    messenger.fail_with = None
    retried = await rounds.resolve_round(
        ctx, round_id=failed.round_id or 0, now=tuesday + timedelta(hours=1)
    )
    assert retried.status is PostStatus.POSTED
    assert [thread for _channel, thread, _reply in messenger.thread_posts] == [
        f"msg-{first.round_id}"
    ]


async def test_a_failed_post_can_be_retried_and_keeps_numbering(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    messenger.fail_with = PostRefused("ratelimited")
    failed = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert failed.status is PostStatus.FAILED
    with pytest.raises(UserError):
        await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text="x y", now=MONDAY_9)
    messenger.fail_with = None
    retried = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9, manual=True)
    assert retried.status is PostStatus.POSTED
    assert retried.round_id == failed.round_id
    assert retried.seq == 1
    assert len(messenger.questions) == 1


async def test_refused_channel_is_paused_and_admins_told_once(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    messenger.refuse("channel_not_found")
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert outcome.status is PostStatus.FAILED
    later = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    assert later.status is PostStatus.PAUSED
    info = await channels.get_channel(ctx, channel=CHANNEL)
    assert info is not None
    assert info.state == "paused"
    assert info.state_reason == "channel_not_found"
    assert len(messenger.admin_notices) == 1
    assert "channel_not_found" in messenger.admin_notices[0][1].title


async def test_stale_claim_is_taken_over(ctx: AppContext, messenger: FakeMessenger) -> None:
    """A process that died while posting leaves a claim; once its lease ran out it is retaken."""
    channel_id = await enroll(ctx)

    class Crash(BaseException):
        pass

    messenger.fail_with = Crash()
    with pytest.raises(Crash):
        await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    messenger.fail_with = None
    soon = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(minutes=1))
    assert soon.status is PostStatus.PENDING
    later = await rounds.post_round(
        ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(minutes=30)
    )
    assert later.status is PostStatus.POSTED
    assert messenger.lookups == [later.round_id]  # it looked before sending again
    assert len(messenger.questions) == 1


async def test_paused_channel_gets_no_round(ctx: AppContext, messenger: FakeMessenger) -> None:
    channel_id = await enroll(ctx)
    await channels.set_channel_state(ctx, channel=CHANNEL, active=False, now=MONDAY_9)
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert outcome.status is PostStatus.PAUSED
    assert messenger.questions == []


async def test_no_repeat_until_the_whole_bank_was_seen(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    size = len(ctx.bank)
    for day in range(size + 1):
        await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=day))
    asked = [reply.title.split(": ", 1)[1] for _, reply, _ in messenger.questions]
    assert len(set(asked[:size])) == size
    assert asked[size] in asked[:size]


def test_choice_prefers_unseen_questions_and_is_stable() -> None:
    bank = load_bank()
    counts = dict.fromkeys(bank.ids(), 1)
    unseen = bank.ids()[-1]
    del counts[unseen]
    assert choose_question(bank, counts, channel_id=7, round_number=5).id == unseen
    full = dict.fromkeys(bank.ids(), 1)
    picks = {choose_question(bank, full, channel_id=7, round_number=5).id for _ in range(5)}
    assert len(picks) == 1


def test_canonical_question_opens_a_channel() -> None:
    bank = load_bank()
    assert choose_question(bank, {}, channel_id=99, round_number=1).id == CANONICAL_QUESTION_ID
    small = QuestionBank(tuple(q for q in bank.questions if q.id != CANONICAL_QUESTION_ID))
    assert choose_question(small, {}, channel_id=99, round_number=1).id != CANONICAL_QUESTION_ID


async def test_due_rounds_are_posted_once_at_start(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await enroll(ctx)
    before_post_time = MONDAY_9 - timedelta(hours=1)
    assert await rounds.post_due_rounds(ctx, now=before_post_time) == []
    outcomes = await rounds.post_due_rounds(ctx, now=MONDAY_9 + timedelta(hours=2))
    assert [o.status for o in outcomes] == [PostStatus.POSTED]
    assert await rounds.post_due_rounds(ctx, now=MONDAY_9 + timedelta(hours=3)) == []
    assert len(messenger.questions) == 1


async def test_round_summary_counts_on_time_answers_by_aggregate(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    first = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    texts = (GOOD_ANSWER, "Buy GPUs because training is slow.", "Cache predictions.")
    outcomes = [
        await answers.submit_answer(
            ctx,
            channel=CHANNEL,
            user=UserRef("test", "W1", f"U{number}", f"Member {number}"),
            text=text,
            now=MONDAY_9 + timedelta(hours=1),
        )
        for number, text in enumerate(texts)
    ]
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    late = await answers.submit_answer(
        ctx,
        channel=CHANNEL,
        user=ALICE,
        text="Buy GPUs.",
        now=MONDAY_9 + timedelta(days=1),
        round_id=first.round_id,
    )
    assert late.late
    missed = Counter(r.id for outcome in outcomes for r in outcome.feedback.missed)
    async with ctx.reading() as repo:
        tally = await repo.round_tally(round_id=first.round_id or 0)
        counts = await repo.round_missed_counts(round_id=first.round_id or 0)
    assert tally == (3, sum(o.feedback.score for o in outcomes) / 3)
    assert counts == dict(missed)  # the late answer is not counted
    [(_channel, _thread, summary)] = messenger.thread_posts
    top = max(missed.values())
    labels = {r.id: r.label for o in outcomes for r in o.feedback.missed if missed[r.id] == top}
    text = summary.plain_text()
    assert "3 answers" in text
    assert f"({top / 3:.0%} of answers)" in text
    assert any(f"Most missed: {label} " in text for label in labels.values())


async def test_older_rounds_are_closed_before_anything_else_runs(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel_id = await enroll(ctx)
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=GOOD_ANSWER, now=MONDAY_9)
    tuesday = MONDAY_9 + timedelta(days=1)
    second = await rounds.post_round(ctx, channel_id=channel_id, now=tuesday)
    racing: list[answers.AnswerOutcome] = []
    post_summary = rounds.post_summary

    async def answer_first(ctx: AppContext, *, round_id: int) -> object:
        # Wednesday's post is recorded and Tuesday's streaks are settled: Alice answers Tuesday.
        racing.append(
            await answers.submit_answer(
                ctx,
                channel=CHANNEL,
                user=ALICE,
                text=GOOD_ANSWER,
                now=tuesday,
                round_id=second.round_id,
            )
        )
        return await post_summary(ctx, round_id=round_id)

    monkeypatch.setattr(rounds, "post_summary", answer_first)
    await rounds.post_round(ctx, channel_id=channel_id, now=tuesday + timedelta(days=1))
    [outcome] = racing
    assert outcome.late  # Tuesday closed with Wednesday's post, in the same transaction
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.longest) == (0, 1)


async def test_a_post_confirmed_after_a_newer_one_does_not_take_over(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx)
    messenger.lose_replies = 1  # Monday's post goes out, its reply is lost: outcome unknown
    monday = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert monday.status is PostStatus.PENDING
    tuesday = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    assert tuesday.status is PostStatus.POSTED
    late = MONDAY_9 + timedelta(days=1, hours=2)
    settled = await rounds.resolve_round(ctx, round_id=monday.round_id or 0, now=late)
    assert settled.seq is None
    open_round = await rounds.current_round(ctx, channel=CHANNEL)
    assert (open_round.round_id, open_round.seq) == (tuesday.round_id, 1)
    async with ctx.reading() as repo:
        found = await repo.get_round(round_id=monday.round_id or 0)
    assert found is not None
    assert found.status == "closed"


async def test_a_past_days_claim_is_never_sent_late(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    """A claim whose process died before sending (or an older version's stuck claim)."""
    channel_id = await enroll(ctx)
    messenger.lose_replies = 1
    monday = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    async with ctx.db.session(write=True) as session:  # as left by a claim that never sent
        await session.execute(
            update(Round)
            .where(Round.id == monday.round_id)
            .values(status=RoundStatus.CLAIMED, sent_at=None, lease_until=MONDAY_9)
        )
    sent = len(messenger.questions)
    wednesday = MONDAY_9 + timedelta(days=2)
    outcome = await rounds.resolve_round(ctx, round_id=monday.round_id or 0, now=wednesday)
    assert outcome.status is PostStatus.FAILED
    assert len(messenger.questions) == sent
