"""Slack posts are paced per channel and per workspace, and a 429 pauses the whole workspace."""

from __future__ import annotations

import asyncio
import itertools
import time

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.platforms.slack.pacing import HEADROOM, SlackPacer
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from tests.platforms.slack.conftest import SlackBot
from tests.platforms.slack.fake_slack import TEAM

NOTE = Reply(title="Note", body="A summary.")


def ref(channel: str, team: str = TEAM) -> ChannelRef:
    """A Slack channel."""
    return ChannelRef("slack", team, channel)


async def starts_of(pacer: SlackPacer, channels: list[ChannelRef]) -> list[float]:
    """Wait for a turn for each channel at once; return when each turn began."""
    starts: list[float] = []

    async def turn(channel: ChannelRef) -> None:
        await pacer.wait(channel)
        starts.append(time.monotonic())

    await asyncio.gather(*(turn(channel) for channel in channels))
    return sorted(starts)


def gaps(starts: list[float]) -> list[float]:
    """Time between consecutive starts."""
    return [b - a for a, b in itertools.pairwise(starts)]


async def test_posts_to_one_channel_wait_for_the_channel_interval(ctx: AppContext) -> None:
    pacer = SlackPacer(SharedBudgets(ctx.db), per_minute=600, channel_interval=0.3)
    starts = []
    for _ in range(3):  # the question, then the summary of the round it closes
        await pacer.wait(ref("C1"))
        starts.append(time.monotonic())
    assert min(gaps(starts)) >= 0.3 - 0.005


async def test_posts_to_a_workspace_share_its_budget(ctx: AppContext) -> None:
    pacer = SlackPacer(SharedBudgets(ctx.db), per_minute=600, channel_interval=0.0)
    asked = time.monotonic()
    starts = await starts_of(pacer, [ref(f"C{n}") for n in range(6)])
    # Never early: the k-th turn begins at least k slots after the turns were asked for. (A slot
    # counts from when the database's answer arrived, so on a loaded machine one turn may wake
    # late and sit close to the next; gaps between starts would flake, these bounds cannot.)
    slot = 0.1 / HEADROOM
    early = [k for k, start in enumerate(starts) if start - asked < k * slot - 0.005]
    assert not early, f"turns {early} began before their slot"


async def test_workspaces_do_not_wait_for_each_other(ctx: AppContext) -> None:
    pacer = SlackPacer(
        SharedBudgets(ctx.db), per_minute=60, channel_interval=0.0
    )  # a post a second per workspace
    starts = await starts_of(pacer, [ref("C1", f"T{n}") for n in range(4)])
    assert starts[-1] - starts[0] < 0.5


async def test_a_429_pauses_the_whole_workspace_for_retry_after(slack: SlackBot) -> None:
    slack.fake.rate_limit("chat.postMessage", retry_after=1)
    messenger = slack.adapter.messenger
    first = asyncio.create_task(messenger.post_in_thread(ref("C1"), None, NOTE))
    await asyncio.sleep(0.3)  # C1's first try is answered 429 by now
    assert slack.fake.calls_to("chat.postMessage")
    await messenger.post_in_thread(ref("C2"), None, NOTE)
    await first
    calls = slack.fake.calls_to("chat.postMessage")
    limited = calls[0]
    other = next(call for call in calls if call.params.get("channel") == "C2")
    assert limited.answer["error"] == "ratelimited"
    assert other.at - limited.at >= 1.0 - 0.05  # C2 waited out C1's Retry-After
    assert [c.params.get("channel") for c in calls].count("C1") == 2  # C1 retried once


async def test_a_post_answered_429_is_retried_in_a_slot_of_its_workspace(slack: SlackBot) -> None:
    slack.fake.rate_limit("chat.postMessage", retry_after=1)
    messenger = slack.adapter.messenger
    first = asyncio.create_task(messenger.post_in_thread(ref("C1"), None, NOTE))
    await asyncio.sleep(0.3)  # C1's first try is answered 429 by now
    others = [ref(f"C{n}") for n in range(2, 7)]
    await asyncio.gather(*(messenger.post_in_thread(other, None, NOTE) for other in others))
    await first
    posted = sorted(
        call.at for call in slack.fake.calls_to("chat.postMessage") if call.answer.get("ok")
    )
    assert len(posted) == 6
    # Sent the moment the pause ended, the retry would land beside one of the paced posts
    # (about 0.2 s apart at 300 a minute), a sixth post in one second: refused again.
    assert min(gaps(posted)) > 0.1
