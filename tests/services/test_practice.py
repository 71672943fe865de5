"""Personal practice: served by spaced repetition, graded in full, apart from rounds and boards."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from scalebot.db.models import Base
from scalebot.domain.questions import Question
from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Tone
from scalebot.locales import Language, translator
from scalebot.platforms.text_commands import run_command
from scalebot.services import members, practice, rounds, standings
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, UserError
from tests.conftest import ALICE, BOB, CHANNEL, FakeMessenger
from tests.services.test_standings import WEAK, answer, post, setup_days


def covering(question: Question, criteria: Sequence[str]) -> str:
    """An answer that covers exactly these criteria of a question (one cue each, reasoned)."""
    return " ".join(
        f"I would use {question.criterion(c).cues[0]} here because it keeps the system fast "
        "and cheap as load grows."
        for c in criteria
    )


async def served(ctx: AppContext, user: UserRef, now: datetime, *, skip: bool = False) -> Question:
    """Serve a practice question and return it."""
    view = await practice.serve_practice(ctx, user=user, now=now, skip=skip)
    assert view.question_id is not None
    question = ctx.bank.get(view.question_id)
    assert question is not None
    return question


async def test_a_fresh_member_gets_an_unseen_question_but_not_the_open_rounds(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    open_round = (await rounds.current_round(ctx, channel=CHANNEL)).question
    view = await practice.serve_practice(ctx, user=ALICE, now=now)
    assert view.question_id not in (None, open_round.id)
    assert view.reply.title.startswith("Practice: ")
    assert "New to you" in view.reply.plain_text()
    assert "/scale practice answer TEXT" in view.reply.footer
    again = await practice.serve_practice(ctx, user=ALICE, now=now + timedelta(minutes=5))
    assert again.question_id == view.question_id  # nothing changed: the same question


async def test_practice_answers_get_feedback_and_count_for_no_streak_board_or_summary(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    question = await served(ctx, ALICE, now)
    criteria = [c.id for c in question.rubric]
    outcome = await practice.submit_practice(
        ctx, user=ALICE, text=covering(question, criteria[:2]), now=now
    )
    assert {r.id for r in outcome.feedback.covered} == set(criteria[:2])
    assert outcome.reply.tone is Tone.FEEDBACK
    assert "Missed" in outcome.reply.plain_text()
    assert "no streak or points" in outcome.reply.footer
    assert "in 1 hour" in outcome.reply.footer  # a missed criterion comes back soon
    streak = await standings.read_streak(ctx, channel=CHANNEL, user=ALICE)
    assert streak.reply.title.startswith("Your streak: 0")
    board = await standings.leaderboard(ctx, channel=CHANNEL, viewer=ALICE, now=now)
    assert not board.rows
    await post(ctx, channel_id, 1)  # closes day 0: its summary counts round answers only
    summary = messenger.thread_posts[-1][2]
    assert "Nobody answered" in summary.plain_text()


async def test_missed_criteria_come_back_when_due_and_covered_ones_later(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    question = await served(ctx, ALICE, now)
    criteria = [c.id for c in question.rubric]
    await practice.submit_practice(ctx, user=ALICE, text=covering(question, criteria[1:]), now=now)
    # Within the hour nothing is due: a fresh question comes instead.
    assert (await served(ctx, ALICE, now + timedelta(minutes=30))).id != question.id
    later = now + timedelta(hours=2)
    view = await practice.serve_practice(ctx, user=ALICE, now=later)
    assert view.question_id == question.id
    labels = question.criterion(criteria[0]).label
    assert f"Due for review: {labels}" in view.reply.plain_text()
    outcome = await practice.submit_practice(
        ctx, user=ALICE, text=covering(question, criteria), now=later
    )
    assert outcome.feedback.score >= 90
    assert outcome.next_review > later + timedelta(hours=12)


async def test_with_nothing_due_the_lowest_scored_question_comes_first(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    weak_round = (await rounds.current_round(ctx, channel=CHANNEL)).question
    await answer(ctx, ALICE, WEAK, now)
    now = await post(ctx, channel_id, 1)  # the weak round closes: fair game for practice
    view = await practice.serve_practice(ctx, user=ALICE, now=now)
    assert view.question_id == weak_round.id
    exported = await members.export_user(ctx, user=ALICE)
    (round_answer,) = exported["answers"]
    why = f"you last scored {round_answer['score']}/100 on this one, missing "
    assert why + ", ".join(round_answer["missed_titles"]) in view.reply.plain_text()


async def test_skip_serves_another_and_stale_forms_are_refused(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    first = await served(ctx, ALICE, now)
    second = await served(ctx, ALICE, now, skip=True)
    assert second.id != first.id
    with pytest.raises(UserError, match="out of date"):
        await practice.submit_practice(
            ctx, user=ALICE, text="sharding", now=now, question_id=first.id
        )
    await practice.submit_practice(ctx, user=ALICE, text="sharding", now=now, question_id=second.id)
    with pytest.raises(UserError, match="out of date"):  # the same form submitted twice
        await practice.submit_practice(
            ctx, user=ALICE, text="sharding", now=now, question_id=second.id
        )
    with pytest.raises(UserError, match="no practice question open"):
        await practice.submit_practice(ctx, user=BOB, text="sharding", now=now)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("practice answer", "Your answer is empty"),
        ("practice answer    ", "Your answer is empty"),
        ("practice frobnicate", "Usage: /scale practice"),
        ("practice answer sharding", "no practice question open"),
        (f"practice answer {'x' * 4001}", "the limit is 4,000"),
    ],
)
async def test_bad_practice_input_gets_one_line_and_stores_nothing(
    ctx: AppContext, command: str, expected: str
) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    reply = await run_command(ctx, Invocation(CHANNEL, BOB, False, now), command)
    assert reply.tone is Tone.ERROR
    assert expected in reply.title
    assert "\n" not in reply.title
    assert (await members.export_user(ctx, user=BOB)).get("practice", {}).get("answers", []) == []


async def test_the_commands_serve_and_grade(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    invocation = Invocation(CHANNEL, ALICE, False, now)
    shown = await run_command(ctx, invocation, "practice")
    assert shown.title.startswith("Practice: ")
    question = next(q for q in ctx.bank.questions if shown.title == f"Practice: {q.title}")
    text = covering(question, [question.rubric[0].id])
    graded = await run_command(ctx, invocation, f"practice answer {text}")
    assert graded.tone is Tone.FEEDBACK
    assert graded.title.startswith("Score ")
    help_text = (await run_command(ctx, invocation, "help")).plain_text()
    assert "/scale practice" in help_text


async def test_chinese_readers_get_the_banks_chinese_question(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    view = await practice.serve_practice(ctx, user=ALICE, now=now, t=translator(Language.ZH))
    question = ctx.bank.get(view.question_id or "")
    assert question is not None
    assert question.zh is not None
    assert question.zh.title in view.reply.title
    assert view.reply.body == question.zh.prompt


async def test_export_me_has_practice_and_forget_me_leaves_no_row_of_the_member(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    await answer(ctx, ALICE, WEAK, now)
    question = await served(ctx, ALICE, now)
    text = covering(question, [question.rubric[0].id])
    await practice.submit_practice(ctx, user=ALICE, text=text, now=now)
    await served(ctx, ALICE, now)
    await practice.serve_practice(ctx, user=BOB, now=now)
    exported = (await members.export_user(ctx, user=ALICE))["practice"]
    assert [a["text"] for a in exported["answers"]] == [text]
    assert exported["answers"][0]["question_title"] == question.title
    assert {c["criterion"] for c in exported["cards"]} == {c.id for c in question.rubric}
    assert exported["cards"][0]["criterion_title"]
    assert exported["open_question"] is not None
    async with ctx.reading() as repo:
        workspace = await repo.find_workspace(platform="test", external_id="W1")
        assert workspace is not None
        member = await repo.find_user(workspace_id=workspace.id, external_id=ALICE.user_id)
        assert member is not None
    await members.forget_user(ctx, user=ALICE)
    assert await rows_mentioning(ctx, member.id, ALICE) == []
    assert (await members.export_user(ctx, user=BOB))["practice"]["open_question"] is not None


async def rows_mentioning(ctx: AppContext, user_id: int, user: UserRef) -> list[str]:
    """Every row of every table that refers to the member by id, platform id or name."""
    found: list[str] = []
    async with ctx.reading() as repo:
        for table in Base.metadata.sorted_tables:
            for row in await repo.session.execute(select(table)):
                values = row._asdict()
                text = repr(values)
                if values.get("user_id") == user_id or user.user_id in text:
                    found.append(f"{table.name}: {text[:80]}")
                elif table.name == "users" and values.get("id") == user_id:
                    found.append(f"users: {text[:80]}")
    return found


async def test_answering_the_served_question_once_it_is_a_round_is_refused(
    ctx: AppContext,
) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    question = await served(ctx, ALICE, now)
    # The bank order decides the next round: make the served question the next one posted.
    ctx.bank = replace(ctx.bank, questions=(question,))
    now = await post(ctx, channel_id, 1)
    assert (await rounds.current_round(ctx, channel=CHANNEL)).question.id == question.id
    with pytest.raises(UserError, match="answer it there"):
        await practice.submit_practice(ctx, user=ALICE, text="sharding", now=now)


async def test_two_submits_of_one_form_at_once_store_one_answer(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    now = await post(ctx, channel_id, 0)
    question = await served(ctx, ALICE, now)
    text = covering(question, [question.rubric[0].id])
    results = await asyncio.gather(
        *(
            practice.submit_practice(ctx, user=ALICE, text=text, now=now, question_id=question.id)
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["PracticeOutcome", "UserError"]
    exported = (await members.export_user(ctx, user=ALICE))["practice"]
    assert len(exported["answers"]) == 1
    assert {c["reviews"] for c in exported["cards"]} == {1}


async def test_with_every_question_in_a_round_nothing_is_served(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    ctx.bank = replace(ctx.bank, questions=ctx.bank.questions[:1])
    now = await post(ctx, channel_id, 0)
    view = await practice.serve_practice(ctx, user=ALICE, now=now)
    assert view.question_id is None
    assert view.reply.title == "Nothing to practise right now"
    assert "open in a round" in view.reply.body


async def test_with_everything_scheduled_it_says_when_the_next_review_is(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 1)
    ctx.bank = replace(ctx.bank, questions=ctx.bank.questions[:2])
    now = await post(ctx, channel_id, 0)
    question = await served(ctx, ALICE, now)
    await practice.submit_practice(ctx, user=ALICE, text="sharding", now=now)
    view = await practice.serve_practice(ctx, user=ALICE, now=now + timedelta(minutes=10))
    assert view.question_id is None
    assert view.reply.body == "Your next review is due in 1 hour: run /scale practice then."
    later = await practice.serve_practice(ctx, user=ALICE, now=now + timedelta(hours=1))
    assert later.question_id == question.id
