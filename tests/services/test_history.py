"""A member's history: newest first, paged, with question and criterion titles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scalebot.platforms.text_commands import run_command
from scalebot.services import answers, history, rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, UserError
from tests.conftest import ALICE, BOB, CHANNEL
from tests.services.test_standings import STRONG, WEAK, answer, post, setup_days


async def test_history_lists_answers_newest_first_with_titles(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 3)
    asked = []
    for day, text in enumerate((WEAK, STRONG, WEAK)):
        now = await post(ctx, channel_id, day)
        await answer(ctx, ALICE, text, now)
        asked.append((await rounds.current_round(ctx, channel=CHANNEL)).question)
    view = await history.member_history(ctx, channel=CHANNEL, user=ALICE)
    assert (view.page, view.pages, view.total) == (1, 1, 3)
    assert [entry.question for entry in view.entries] == [q.title for q in reversed(asked)]
    assert [entry.round_date for entry in view.entries] == [
        "Wed 04 Mar 2026",
        "Tue 03 Mar 2026",
        "Mon 02 Mar 2026",
    ]
    newest, question = view.entries[0], asked[-1]
    labels = {criterion.label for criterion in question.rubric}
    assert newest.missed
    assert set(newest.missed) <= labels
    text = view.reply.plain_text()
    assert f"Wed 04 Mar 2026 · {question.title}" in text
    assert f"Missed: {', '.join(newest.missed)}" in text
    assert not any(criterion.id in newest.missed for criterion in question.rubric)


async def test_history_pages_go_back_in_time(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 7)
    for day in range(7):
        now = await post(ctx, channel_id, day)
        await answer(ctx, ALICE, WEAK, now)
    first = await history.member_history(ctx, channel=CHANNEL, user=ALICE)
    second = await history.member_history(ctx, channel=CHANNEL, user=ALICE, page=2)
    assert (first.pages, len(first.entries), len(second.entries)) == (2, 5, 2)
    assert second.entries[-1].round_date == "Mon 02 Mar 2026"
    assert "older: /scale history 2" in first.reply.footer
    assert "older" not in second.reply.footer
    beyond = await history.member_history(ctx, channel=CHANNEL, user=ALICE, page=3)
    assert beyond.entries == ()
    assert "try /scale history 2" in beyond.reply.plain_text()


async def test_history_marks_late_answers_and_is_per_member(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 2)
    now = await post(ctx, channel_id, 0)
    first_round = (await rounds.current_round(ctx, channel=CHANNEL)).round_id
    await post(ctx, channel_id, 1)
    await answers.submit_answer(
        ctx, channel=CHANNEL, user=ALICE, text=STRONG, now=now, round_id=first_round
    )
    view = await history.member_history(ctx, channel=CHANNEL, user=ALICE)
    assert [entry.late for entry in view.entries] == [True]
    assert "late: no streak or points" in view.reply.plain_text()
    nobody = await history.member_history(ctx, channel=CHANNEL, user=BOB)
    assert (nobody.total, nobody.reply.title) == (0, "No answers yet")


@pytest.mark.parametrize("word", ["0", "-1", "two", "1.5", "10001"])
def test_bad_page_numbers_get_the_usage_line(word: str) -> None:
    with pytest.raises(UserError, match="is not a page number"):
        history.parse_page(word)


async def test_history_command_parses_its_page(ctx: AppContext) -> None:
    channel_id = await setup_days(ctx, 6)
    for day in range(6):
        now = await post(ctx, channel_id, day)
        await answer(ctx, ALICE, WEAK, now + timedelta(minutes=1))
    invocation = Invocation(CHANNEL, ALICE, is_admin=False, now=now)
    page_two = await run_command(ctx, invocation, "history 2")
    assert page_two.footer.startswith("Page 2 of 2")
    bad = await run_command(ctx, invocation, "history soon")
    assert bad.title.startswith("'soon' is not a page number")
    too_many = await run_command(ctx, invocation, "history 1 2")
    assert too_many.title == str(history.USAGE)
