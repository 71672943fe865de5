"""The pacer spaces request starts so a fan-out stays under Discord's global limit."""

from __future__ import annotations

import asyncio

import pytest

from scalebot.platforms.discord.pacing import (
    GLOBAL_LIMIT_PER_SECOND,
    PACED_PER_SECOND,
    Pacer,
    share_of_limit,
)
from tests.platforms.discord.test_messenger import FakeTime


async def test_requests_start_one_interval_apart() -> None:
    time = FakeTime()
    pacer = Pacer(40, clock=time, sleep=time.sleep)
    starts = []
    for _ in range(5):
        await pacer.wait()
        starts.append(time.now)
    assert starts == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1])


async def test_concurrent_waiters_are_spaced_too() -> None:
    time = FakeTime()
    pacer = Pacer(10, clock=time, sleep=time.sleep)
    starts: list[float] = []

    async def request() -> None:
        await pacer.wait()
        starts.append(time.now)

    await asyncio.gather(*(request() for _ in range(20)))
    assert starts == pytest.approx([n / 10 for n in range(20)])


async def test_an_idle_pacer_does_not_wait() -> None:
    time = FakeTime()
    pacer = Pacer(10, clock=time, sleep=time.sleep)
    await pacer.wait()
    time.now = 5.0
    await pacer.wait()
    assert time.now == 5.0


def test_the_paced_rate_is_under_the_global_limit() -> None:
    assert PACED_PER_SECOND < GLOBAL_LIMIT_PER_SECOND


def test_each_process_gets_its_share_of_the_shards() -> None:
    assert share_of_limit(None, []) == PACED_PER_SECOND
    assert share_of_limit(4, [0, 1]) == PACED_PER_SECOND / 2
    assert share_of_limit(4, []) == PACED_PER_SECOND


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)
