"""The weekly digest on a channel's first round of the week: once, before the new question."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from scalebot.db.models import WeeklyDigest
from scalebot.domain.questions import CANONICAL_QUESTION_ID, QuestionBank
from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Reply, Tone
from scalebot.domain.rounds import PostStatus
from scalebot.platforms.text_commands import run_command
from scalebot.services import rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, PostRefused
from tests.conftest import ALICE, BOB, CHANNEL, FakeMessenger
from tests.services.test_standings import MONDAY_9, STRONG, WEAK, answer, post, setup_days

CAROL = UserRef("test", "W1", "U-carol", "Carol")
ADMIN = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=MONDAY_9)


def one_question(ctx: AppContext) -> None:
    """Ask the canonical question every round, so STRONG and WEAK always score apart."""
    question = ctx.bank.get(CANONICAL_QUESTION_ID)
    assert question is not None
    ctx.bank = QuestionBank((question,))


def digests(messenger: FakeMessenger) -> list[Reply]:
    """The digests posted so far (channel messages outside any thread)."""
    return [reply for _channel, thread, reply in messenger.thread_posts if thread is None]


async def two_weeks(ctx: AppContext) -> tuple[int, dict[str, int]]:
    """Rounds on days 0-1 (week one) and 7-8 (week two); return the channel and some scores.

    Alice improves (weak, then strong), Bob answers only day 7 of week two (his streak does
    not survive day 8), Carol answers only day 8.
    """
    one_question(ctx)
    channel_id = await setup_days(ctx, 0)
    scores = {}
    for day in (0, 1):
        now = await post(ctx, channel_id, day)
        scores["alice_weak"] = await answer(ctx, ALICE, WEAK, now)
        await answer(ctx, BOB, STRONG, now)
    now = await post(ctx, channel_id, 7)
    scores["alice_strong"] = await answer(ctx, ALICE, STRONG, now)
    scores["bob_weak"] = await answer(ctx, BOB, WEAK, now)
    now = await post(ctx, channel_id, 8)
    await answer(ctx, ALICE, STRONG, now)
    await answer(ctx, CAROL, STRONG, now)
    return channel_id, scores


async def test_the_first_round_of_a_week_posts_the_digest_after_the_summary_before_the_question(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id, _scores = await two_weeks(ctx)
    messenger.timeline.clear()
    outcome = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9 + timedelta(days=14))
    closed = outcome.closed_round_ids[0]
    assert messenger.timeline == [
        f"thread msg-{closed}",
        "thread None",
        f"question {outcome.round_id}",
    ]


async def test_the_digest_names_top_streaks_the_most_improved_and_the_hardest_question(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id, scores = await two_weeks(ctx)
    await post(ctx, channel_id, 14)
    digest = digests(messenger)[-1]
    assert digest.tone is Tone.SUMMARY
    assert not digest.private
    assert digest.title == "Weekly digest: Mar 9, 2026 to Mar 15, 2026"
    fields = {field.name: field.value for field in digest.fields}
    # Bob missed day 8: his streak breaks as day 14 posts, so it is not shown as running.
    assert fields["Top streaks"] == "1. Alice: 4 rounds\n2. Carol: 1 round"
    weak, strong = scores["alice_weak"], scores["alice_strong"]
    assert fields["Most improved"] == f"Alice: average {weak}/100 to {strong}/100"
    hardest = round((scores["alice_strong"] + scores["bob_weak"]) / 2)
    title = ctx.bank.questions[0].title
    assert fields["Hardest question"] == f"{title}: average {hardest}/100 over 2 answers"
    assert "at least 2 on-time answers in each week" in digest.footer


async def test_one_digest_per_week_across_retries_and_later_rounds(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id, _scores = await two_weeks(ctx)
    monday = MONDAY_9 + timedelta(days=14)
    messenger.fail_with = PostRefused("ratelimited")
    failed = await rounds.post_round(ctx, channel_id=channel_id, now=monday)
    assert failed.status is PostStatus.FAILED
    assert len(digests(messenger)) == 2  # week one's (on day 7) and week two's, before the post
    messenger.fail_with = None
    retried = await rounds.resolve_round(
        ctx, round_id=failed.round_id or 0, now=monday + timedelta(hours=1)
    )
    assert retried.status is PostStatus.POSTED
    again = await rounds.post_round(
        ctx, channel_id=channel_id, now=monday + timedelta(hours=2), manual=True
    )
    assert again.status is PostStatus.EXISTS
    await post(ctx, channel_id, 15)
    assert len(digests(messenger)) == 2
    async with ctx.reading() as repo:
        count = await repo.session.scalar(select(func.count()).select_from(WeeklyDigest))
    assert count == 3  # each week's first round claimed it (week one's with nothing to say)


async def test_no_digest_without_answers_last_week_nor_when_turned_off(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    one_question(ctx)
    channel_id = await setup_days(ctx, 0)
    await post(ctx, channel_id, 0)
    await post(ctx, channel_id, 7)  # nobody answered in week one
    assert digests(messenger) == []
    now = await post(ctx, channel_id, 8)
    await answer(ctx, ALICE, STRONG, now)
    off = await run_command(ctx, replace(ADMIN, now=now), "admin digest off")
    assert off.title == "The weekly digest is off."
    await post(ctx, channel_id, 14)
    assert digests(messenger) == []
    on = await run_command(ctx, replace(ADMIN, now=now), "admin digest on")
    assert on.title.startswith("The weekly digest is on")
    bad = await run_command(ctx, ADMIN, "admin digest maybe")
    assert bad.title == "Usage: /scale admin digest on|off"
    member = await run_command(ctx, replace(ADMIN, is_admin=False), "admin digest off")
    assert member.title.startswith("Only channel admins")


async def test_the_digest_speaks_the_channel_language(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id, _scores = await two_weeks(ctx)
    await run_command(ctx, ADMIN, "admin language zh")
    await post(ctx, channel_id, 14)
    digest = digests(messenger)[-1]
    assert digest.title.startswith("每周回顾")
    assert "2026年3月9日" in digest.title
    names = [field.name for field in digest.fields]
    assert names == ["连续轮数前几名", "进步最大", "最难的题"]
