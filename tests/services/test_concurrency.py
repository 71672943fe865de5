"""Several processes on one database: a round is posted once, a double answer is kept once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from scalebot.bank.loader import load_bank
from scalebot.db.engine import Database
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.grading.rubric import RubricGrader
from scalebot.services import answers, channels, rounds
from scalebot.services.context import AppContext
from tests.conftest import ALICE, CHANNEL, DatabaseTarget, FakeMessenger

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROCESSES = 4


@pytest.fixture
async def processes(
    ctx: AppContext, db_target: DatabaseTarget, messenger: FakeMessenger
) -> AsyncIterator[list[AppContext]]:
    """Contexts with their own engines on the same database, as separate processes have."""
    contexts = [
        AppContext(
            Database.from_url(db_target.url, **db_target.options),
            load_bank(),
            RubricGrader(),
            {"test": messenger},
        )
        for _ in range(PROCESSES)
    ]
    yield contexts
    for context in contexts:
        await context.db.dispose()


async def test_concurrent_posts_from_several_processes_post_once(
    ctx: AppContext, processes: list[AppContext], messenger: FakeMessenger
) -> None:
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=NOW
    )
    outcomes = await asyncio.gather(
        *(rounds.post_round(process, channel_id=info.id, now=NOW) for process in processes)
    )
    statuses = [outcome.status for outcome in outcomes]
    assert statuses.count(PostStatus.POSTED) == 1
    # The others found the claim in flight (pending) or already posted (exists).
    assert set(statuses) - {PostStatus.POSTED} <= {
        PostStatus.PENDING,
        PostStatus.EXISTS,
    }
    assert len(messenger.questions) == 1


async def test_concurrent_answers_by_one_member_store_one_answer(
    ctx: AppContext, processes: list[AppContext]
) -> None:
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=NOW
    )
    await rounds.post_round(ctx, channel_id=info.id, now=NOW)
    text = "I would retrain when drift shows up because stale data hurts accuracy."
    outcomes = await asyncio.gather(
        *(
            answers.submit_answer(process, channel=CHANNEL, user=ALICE, text=text, now=NOW)
            for process in processes
        )
    )
    assert sorted(outcome.revision for outcome in outcomes) == list(range(1, PROCESSES + 1))
    async with ctx.reading() as repo:
        workspace = await repo.find_workspace(platform="test", external_id="W1")
        assert workspace is not None
        member = await repo.find_user(workspace_id=workspace.id, external_id=ALICE.user_id)
        assert member is not None
        stored = await repo.user_answers(user_id=member.id)
        streak = await repo.get_streak(channel_id=info.id, user_id=member.id)
    assert len(stored) == 1
    assert streak is not None
    assert (streak.current, streak.points) == (1, outcomes[0].feedback.score)


async def test_simultaneous_first_setups_enroll_once_and_tell_the_rest(
    processes: list[AppContext],
) -> None:
    from scalebot.platforms.text_commands import run_command
    from scalebot.services.commands import Invocation

    admin = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=NOW)
    await run_command(processes[0], admin, "admin setup 09:00 UTC")  # the workspace exists
    names = [f"C-new-{n}" for n in range(8)]
    for name in names:  # several tries: each is a race between three processes
        first = replace(admin, channel=replace(CHANNEL, channel_id=name))
        setups = [run_command(c, first, "admin setup 09:00 UTC") for c in processes[:3]]
        titles = sorted(reply.title for reply in await asyncio.gather(*setups))
        assert titles[-1].startswith("This channel is enrolled")
        for title in titles[:-1]:
            assert title.startswith(("This channel is enrolled", "This channel is already"))
    async with processes[0].reading() as repo:
        refs = [channel.external_id for channel, _ in await repo.channel_refs()]
    assert sorted(refs) == sorted([CHANNEL.channel_id, *names])
