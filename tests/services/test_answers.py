"""Submitting answers: validation, grading, storage, streaks, re-answers and late answers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule
from scalebot.locales import Language, translator
from scalebot.services import answers, channels, rounds, standings
from scalebot.services.context import MAX_ANSWER_CHARS, AppContext, UserError
from tests.conftest import ALICE, BOB, CHANNEL

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANSWER = (
    "I would watch for data drift and retrain on fresh data, because stale data hurts accuracy. "
    "Training moves to distributed data-parallel workers with mini-batch SGD."
)

WORSE = "I would buy GPUs because they are fast."


async def start_channel(ctx: AppContext, days: Days = Days.DAILY) -> int:
    """Enroll the channel and post Monday's round."""
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), days, "UTC"), now=MONDAY_9
    )
    await rounds.post_round(ctx, channel_id=info.id, now=MONDAY_9)
    return info.id


async def stored_answers(ctx: AppContext) -> list[tuple[str, int, int, bool]]:
    """(text, points, revision, late) of every stored answer."""
    async with ctx.reading() as repo:
        found: list[tuple[str, int, int, bool]] = []
        workspace = await repo.find_workspace(platform="test", external_id="W1")
        if workspace is None:
            return found
        for user in (ALICE, BOB):
            member = await repo.find_user(workspace_id=workspace.id, external_id=user.user_id)
            if member is not None:
                for answer, _ in await repo.user_answers(user_id=member.id):
                    found.append((answer.text, answer.points, answer.revision, answer.late))
        return found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (MAX_ANSWER_CHARS + 1), "4,000"),
    ],
)
async def test_bad_answers_are_refused_and_nothing_is_stored(
    ctx: AppContext, text: str, message: str
) -> None:
    await start_channel(ctx)
    with pytest.raises(UserError, match=message):
        await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=text, now=MONDAY_9)
    assert await stored_answers(ctx) == []


async def test_answer_at_the_limit_is_accepted(ctx: AppContext) -> None:
    await start_channel(ctx)
    text = ("drift " * 1000)[:MAX_ANSWER_CHARS]
    outcome = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=text, now=MONDAY_9)
    assert outcome.stored


async def test_answer_in_a_channel_that_is_not_enrolled(ctx: AppContext) -> None:
    elsewhere = ChannelRef("test", "W1", "C-other")
    with pytest.raises(UserError, match="not enrolled"):
        await answers.submit_answer(ctx, channel=elsewhere, user=ALICE, text=ANSWER, now=MONDAY_9)
    assert await stored_answers(ctx) == []


async def test_answer_before_the_first_round(ctx: AppContext) -> None:
    await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=MONDAY_9
    )
    with pytest.raises(UserError, match="No question has been posted"):
        await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)


async def test_answer_is_graded_and_stored_exactly_as_given(ctx: AppContext) -> None:
    await start_channel(ctx)
    text = "  <!channel> *bold* ‮ " + ANSWER + "\n\n"
    outcome = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=text, now=MONDAY_9)
    covered = {result.id for result in outcome.feedback.covered}
    assert {"retraining", "data-volume"} <= covered
    assert outcome.feedback.score > 0
    assert outcome.streak == 1
    [(stored_text, points, revision, late)] = await stored_answers(ctx)
    assert stored_text == text
    assert (points, revision, late) == (outcome.feedback.score, 1, False)
    assert "Streak: 1 round" in outcome.reply.plain_text()


async def test_re_answering_replaces_and_regrades(ctx: AppContext) -> None:
    await start_channel(ctx)
    first = await answers.submit_answer(
        ctx,
        channel=CHANNEL,
        user=ALICE,
        text="I would buy GPUs because they are fast.",
        now=MONDAY_9,
    )
    second = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9 + timedelta(minutes=5)
    )
    assert second.revision == 2
    assert second.feedback.score != first.feedback.score
    [(text, points, revision, _)] = await stored_answers(ctx)
    assert (text, points, revision) == (ANSWER, second.feedback.score, 2)
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.points) == (1, second.feedback.score)


async def test_a_lower_score_gets_feedback_and_the_best_answer_counts(ctx: AppContext) -> None:
    await start_channel(ctx)
    best = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    worse = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=WORSE, now=MONDAY_9 + timedelta(minutes=5)
    )
    assert worse.feedback.score < best.feedback.score
    assert (worse.stored, worse.revision) == (False, 1)
    assert worse.reply.footer == (
        f"Your earlier answer scored {best.feedback.score}/100 and still counts: your best "
        f"answer to a round counts. This one scored {worse.feedback.score}/100 and got "
        "feedback only."
    )
    [(text, points, revision, _)] = await stored_answers(ctx)
    assert (text, points, revision) == (ANSWER, best.feedback.score, 1)
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.points) == (1, best.feedback.score)
    week = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=ALICE, now=MONDAY_9, period=standings.Period.WEEK
    )
    assert [(row.name, row.points) for row in week.rows] == [("Alice", best.feedback.score)]


async def test_an_equal_score_replaces_the_answer(ctx: AppContext) -> None:
    await start_channel(ctx)
    first = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    reworded = ANSWER.replace("I would", "We would")
    again = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=reworded, now=MONDAY_9 + timedelta(minutes=5)
    )
    assert again.feedback.score == first.feedback.score
    assert (again.stored, again.revision) == (True, 2)
    [(text, points, revision, _)] = await stored_answers(ctx)
    assert (text, points, revision) == (reworded, first.feedback.score, 2)


async def test_streak_counts_consecutive_rounds(ctx: AppContext) -> None:
    channel_id = await start_channel(ctx)
    for day in range(3):
        now = MONDAY_9 + timedelta(days=day)
        await rounds.post_round(ctx, channel_id=channel_id, now=now)
        outcome = await answers.submit_answer(
            ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=now + timedelta(minutes=1)
        )
    assert outcome.streak == 3


async def test_weekend_without_rounds_keeps_a_weekday_streak(ctx: AppContext) -> None:
    """Friday's round stays open until Monday; answering Friday then Monday continues."""
    friday = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.WEEKDAYS, "UTC"), now=friday
    )
    await rounds.post_round(ctx, channel_id=info.id, now=friday)
    await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=friday)
    sunday = friday + timedelta(days=2)
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 1
    assert (
        await answers.submit_answer(ctx, channel=CHANNEL, user=BOB, text=ANSWER, now=sunday)
    ).late is False
    monday = friday + timedelta(days=3)
    await rounds.post_round(ctx, channel_id=info.id, now=monday)
    outcome = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=monday)
    assert outcome.streak == 2


async def test_missed_round_breaks_the_streak_only_once_it_closed(ctx: AppContext) -> None:
    channel_id = await start_channel(ctx)
    await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    tuesday = MONDAY_9 + timedelta(days=1)
    await rounds.post_round(ctx, channel_id=channel_id, now=tuesday)
    # Tuesday's round is open and unanswered: the streak still stands.
    assert (await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)).current == 1
    wednesday = tuesday + timedelta(days=1)
    await rounds.post_round(ctx, channel_id=channel_id, now=wednesday)
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.longest) == (0, 1)
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=wednesday
    )
    assert outcome.streak == 1


async def test_late_answer_gets_feedback_but_no_streak_or_points(ctx: AppContext) -> None:
    channel_id = await start_channel(ctx)
    monday_round = (await rounds.current_round(ctx, channel=CHANNEL)).round_id
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    late = await answers.submit_answer(
        ctx,
        channel=CHANNEL,
        user=ALICE,
        text=ANSWER,
        now=MONDAY_9 + timedelta(days=1, hours=1),
        round_id=monday_round,
    )
    assert late.late
    assert late.feedback.score > 0
    assert "closed" in late.reply.plain_text()
    [(_, points, _, is_late)] = await stored_answers(ctx)
    assert (points, is_late) == (0, True)
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.points) == (0, 0)


async def test_late_answer_does_not_replace_an_on_time_one(ctx: AppContext) -> None:
    channel_id = await start_channel(ctx)
    monday_round = (await rounds.current_round(ctx, channel=CHANNEL)).round_id
    on_time = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9
    )
    await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=1))
    late = await answers.submit_answer(
        ctx,
        channel=CHANNEL,
        user=ALICE,
        text="Only GPUs.",
        now=MONDAY_9 + timedelta(days=1),
        round_id=monday_round,
    )
    assert not late.stored
    [(text, points, revision, _)] = await stored_answers(ctx)
    assert (text, points, revision) == (ANSWER, on_time.feedback.score, 1)


async def test_round_of_another_channel_is_refused(ctx: AppContext) -> None:
    await start_channel(ctx)
    other = ChannelRef("test", "W1", "C2")
    info = await channels.enroll_channel(
        ctx, channel=other, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=MONDAY_9
    )
    await rounds.post_round(ctx, channel_id=info.id, now=MONDAY_9)
    foreign = (await rounds.current_round(ctx, channel=other)).round_id
    with pytest.raises(UserError):
        await answers.submit_answer(
            ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9, round_id=foreign
        )


async def test_a_thread_reply_does_not_replace_an_earlier_answer(ctx: AppContext) -> None:
    """Thread replies may be discussion: they get feedback, the earlier answer stays."""
    await start_channel(ctx)
    first = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    chat = await answers.submit_answer(
        ctx,
        channel=CHANNEL,
        user=ALICE,
        text="Agree with Bob, GPUs would help here.",
        now=MONDAY_9 + timedelta(minutes=3),
        replace_existing=False,
    )
    assert not chat.stored
    assert chat.revision == 1
    assert "earlier answer to this round stands" in chat.reply.plain_text()
    [(text, points, revision, _)] = await stored_answers(ctx)
    assert (text, points, revision) == (ANSWER, first.feedback.score, 1)


async def test_a_first_thread_reply_is_stored_as_the_answer(ctx: AppContext) -> None:
    await start_channel(ctx)
    outcome = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9, replace_existing=False
    )
    assert outcome.stored
    assert outcome.streak == 1


async def test_the_best_answer_notice_reads_in_the_members_language(ctx: AppContext) -> None:
    await start_channel(ctx)
    zh = translator(Language.ZH)
    best = await answers.submit_answer(ctx, channel=CHANNEL, user=ALICE, text=ANSWER, now=MONDAY_9)
    worse = await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=WORSE, now=MONDAY_9, t=zh
    )
    assert worse.reply.footer.startswith(f"你之前的回答得了 {best.feedback.score}/100 分")
