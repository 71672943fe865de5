"""Leaderboards, streak reads, stats, and a member's own data (forget, export)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from scalebot.domain.refs import UserRef
from scalebot.domain.schedule import Days, Schedule
from scalebot.services import answers, channels, members, rounds, standings
from scalebot.services.context import AppContext
from tests.conftest import ALICE, BOB, CHANNEL

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STRONG = (
    "Monitor drift and retrain on fresh data because accuracy decays. Use distributed training "
    "with mini-batch SGD. Checkpoint so we can warm start. Pick PyTorch on GPUs. Regularize new "
    "features with dropout to avoid overfitting. Cache predictions to cut latency. Deploy behind "
    "an API on Kubernetes with autoscaling."
)
WEAK = "I would cache predictions because latency matters for users at peak times."


async def setup_days(ctx: AppContext, days: int) -> int:
    """Enroll the channel and post one round per day for `days` days."""
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=MONDAY_9
    )
    return info.id


async def post(ctx: AppContext, channel_id: int, day: int) -> datetime:
    """Post the round of day `day` and return its time."""
    now = MONDAY_9 + timedelta(days=day)
    await rounds.post_round(ctx, channel_id=channel_id, now=now)
    return now


async def answer(ctx: AppContext, user: UserRef, text: str, now: datetime) -> int:
    """Answer the open round; return the score."""
    outcome = await answers.submit_answer(ctx, channel=CHANNEL, user=user, text=text, now=now)
    return outcome.feedback.score


async def test_streak_board_ranks_by_streak_then_points_then_who_was_first(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 2)
    carol = UserRef("test", "W1", "U-carol", "Carol")
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    await answer(ctx, BOB, WEAK, now + timedelta(minutes=1))
    await answer(ctx, carol, WEAK, now + timedelta(minutes=2))
    now = await post(ctx, channel_id, 1)
    await answer(ctx, BOB, WEAK, now + timedelta(minutes=5))
    await answer(ctx, carol, STRONG, now + timedelta(minutes=6))
    await answer(ctx, ALICE, WEAK, now + timedelta(minutes=7))
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now)
    assert [(row.name, row.streak) for row in board.rows] == [
        ("Carol", 2),  # more points
        ("Bob", 2),  # same points as Alice, reached 2 first
        ("Alice", 2),
    ]
    assert [row.rank for row in board.rows] == [1, 2, 2]
    assert board.viewer is not None
    assert board.viewer.name == "Alice"
    assert "(you)" in board.reply.plain_text()


async def test_member_board_shows_top_ten_plus_own_rank(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    for number in range(12):
        user = UserRef("test", "W1", f"U{number:02d}", f"Member {number:02d}")
        await answer(ctx, user, STRONG, now + timedelta(minutes=number))
    late_viewer = UserRef("test", "W1", "U11", "Member 11")
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=late_viewer, now=now)
    assert len(board.rows) == 10
    assert board.viewer is not None
    assert board.viewer.name == "Member 11"
    text = board.reply.plain_text()
    assert "Member 11 (you)" in text
    assert "Member 10" not in text
    full = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=now, period=standings.Period.ALL, limit=None
    )
    assert len(full.rows) == 12


async def test_points_by_period_count_only_rounds_in_the_window(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 10)
    now = await post(ctx, channel_id, 0)
    old_score = await answer(ctx, ALICE, STRONG, now)
    now = await post(ctx, channel_id, 9)
    recent_score = await answer(ctx, BOB, WEAK, now)
    week = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=now, period=standings.Period.WEEK, limit=None
    )
    assert [(row.name, row.points) for row in week.rows] == [("Bob", recent_score)]
    month = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=now, period=standings.Period.MONTH, limit=None
    )
    assert [(row.name, row.points) for row in month.rows] == [
        ("Alice", old_score),
        ("Bob", recent_score),
    ]


async def test_late_answers_earn_no_points_on_the_board(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    first_round = (await rounds.current_round(ctx, channel=CHANNEL)).round_id
    await post(ctx, channel_id, 1)
    await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=STRONG, now=now, round_id=first_round
    )
    board = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=now, period=standings.Period.ALL, limit=None
    )
    assert board.rows == ()


async def test_stats_summarise_a_members_answers(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    first = await answer(ctx, ALICE, WEAK, now)
    now = await post(ctx, channel_id, 1)
    second = await answer(ctx, ALICE, STRONG, now)
    stats = await standings.member_stats(ctx, channel=CHANNEL, user=ALICE)
    assert stats.answers == 2
    assert stats.best_score == max(first, second)
    assert stats.average_score == (first + second) / 2
    assert "Recent scores" in stats.reply.plain_text()
    nobody = await standings.member_stats(ctx, channel=CHANNEL, user=BOB)
    assert nobody.answers == 0


async def test_forget_user_deletes_answers_and_streaks_only_for_them(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, STRONG, now)
    await answer(ctx, BOB, WEAK, now)
    assert await members.forget_user(ctx, user=ALICE) == members.Footprint(answers=1, channels=1)
    assert (await members.export_user(ctx, user=ALICE))["answers"] == []
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert (view.current, view.points) == (0, 0)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=None, now=now)
    assert [row.name for row in board.rows] == ["Bob"]
    assert await members.forget_user(ctx, user=ALICE) is None


async def test_export_contains_every_answer_as_given(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    data = await members.export_user(ctx, user=ALICE)
    assert data["display_name"] == "Alice"
    [record] = data["answers"]
    assert record["text"] == WEAK
    assert record["round_date"] == "2026-03-02"
    assert record["late"] is False
    assert "serving" in record["covered"]


async def test_viewer_far_down_a_board_gets_their_rank_from_a_count(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    for number in range(11):
        user = UserRef("test", "W1", f"U{number:02d}", f"Member {number:02d}")
        await answer(ctx, user, STRONG, now + timedelta(minutes=number))
    weak_score = await answer(ctx, ALICE, WEAK, now + timedelta(minutes=30))
    for period in (None, standings.Period.WEEK, standings.Period.MONTH, standings.Period.ALL):
        board = await standings.leaderboard(
            ctx, channel=CHANNEL, viewer=ALICE, now=now, period=period
        )
        assert len(board.rows) == 10
        assert board.viewer is not None
        assert (board.viewer.rank, board.viewer.points) == (12, weak_score)
        assert "12. Alice (you)" in board.reply.plain_text()
        # Eleven equal answers share rank 1.
        assert {row.rank for row in board.rows} == {1}


async def test_week_and_month_boards_follow_the_calendar(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 7)
    sunday = await post(ctx, channel_id, 6)  # 2026-03-08, last day of the week
    sunday_score = await answer(ctx, ALICE, STRONG, sunday)
    monday = await post(ctx, channel_id, 7)
    monday_score = await answer(ctx, BOB, WEAK, monday)
    week = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=monday, period=standings.Period.WEEK, limit=None
    )
    assert [(row.name, row.points) for row in week.rows] == [("Bob", monday_score)]
    last_week = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=sunday, period=standings.Period.WEEK, limit=None
    )
    assert [(row.name, row.points) for row in last_week.rows] == [("Alice", sunday_score)]
    april = datetime(2026, 4, 1, 9, tzinfo=UTC)
    month = await standings.leaderboard(
        ctx, channel=CHANNEL, viewer=None, now=april, period=standings.Period.MONTH, limit=None
    )
    assert month.rows == ()


async def test_replacing_an_answer_moves_every_points_total(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    strong = await answer(ctx, ALICE, STRONG, now + timedelta(minutes=1))
    for period in (standings.Period.WEEK, standings.Period.MONTH, standings.Period.ALL):
        board = await standings.leaderboard(
            ctx, channel=CHANNEL, viewer=ALICE, now=now, period=period
        )
        assert [(row.name, row.points) for row in board.rows] == [("Alice", strong)]
    view = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert view.points == strong


async def test_a_missed_round_drops_the_streak_once_the_next_round_posts(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 3)
    now = await post(ctx, channel_id, 0)
    alice_points = await answer(ctx, ALICE, STRONG, now)
    now = await post(ctx, channel_id, 1)
    bob_points = await answer(ctx, BOB, WEAK, now)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now)
    # Alice answered the previous round, which is still her live streak.
    assert [(row.name, row.streak) for row in board.rows] == [("Alice", 1), ("Bob", 1)]
    now = await post(ctx, channel_id, 2)
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now)
    assert [(row.name, row.streak, row.points) for row in board.rows] == [
        ("Bob", 1, bob_points),
        ("Alice", 0, alice_points),
    ]
    assert board.viewer is not None
    assert board.viewer.rank == 2


async def test_forgotten_member_leaves_every_points_board(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, STRONG, now)
    await answer(ctx, BOB, WEAK, now)
    await members.forget_user(ctx, user=ALICE)
    for period in (standings.Period.WEEK, standings.Period.MONTH, standings.Period.ALL):
        board = await standings.leaderboard(
            ctx, channel=CHANNEL, viewer=ALICE, now=now, period=period
        )
        assert [row.name for row in board.rows] == ["Bob"]
        assert board.viewer is None


async def test_stats_name_the_most_missed_criterion_by_its_title(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    question = (await rounds.current_round(ctx, channel=CHANNEL)).question
    stats = await standings.member_stats(ctx, channel=CHANNEL, user=ALICE)
    titles = {criterion.label for criterion in question.rubric}
    assert stats.most_missed in titles
    assert stats.most_missed not in {criterion.id for criterion in question.rubric}
    fields = {field.name: field.value for field in stats.reply.fields}
    assert fields["Most often missed"] == stats.most_missed


async def test_export_names_the_question_and_criteria_by_title_too(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    question = (await rounds.current_round(ctx, channel=CHANNEL)).question
    [record] = (await members.export_user(ctx, user=ALICE))["answers"]
    assert record["question_title"] == question.title
    assert record["missed_titles"] == [question.criterion(cid).label for cid in record["missed"]]
    assert record["covered_titles"] == [question.criterion(c).label for c in record["covered"]]
    assert record["missed_titles"]
