"""The shared pacer: request starts spaced across slots reserved in blocks from one budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from scalebot.platforms.pacing import BLOCK_SECONDS, SharedPacer


class FakeTime:
    """A monotonic clock the pacer sleeps on."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the fake time instead of waiting."""
        self.now += seconds
        await asyncio.sleep(0)


class Budget:
    """An in-memory stand-in for the database budget, on the same fake clock."""

    def __init__(self, clock: Callable[[], float], interval: float) -> None:
        """No slot taken yet."""
        self.clock = clock
        self.interval = interval
        self.next_at = clock()
        self.blocks: list[int] = []

    async def reserve(self, count: int, wait: float) -> float:
        """Take `count` slots, none sooner than `wait`; return the delay to the first."""
        self.blocks.append(count)
        now = self.clock()
        first = max(self.next_at, now + wait)
        self.next_at = first + count * self.interval
        return first - now


def pacer_at(per_second: float) -> tuple[SharedPacer, FakeTime, Budget]:
    """A pacer on fake time and an in-memory budget."""
    clock = FakeTime()
    budget = Budget(clock, 1 / per_second)
    return SharedPacer(per_second, budget.reserve, clock=clock, sleep=clock.sleep), clock, budget


async def test_requests_start_one_interval_apart() -> None:
    pacer, clock, _ = pacer_at(40)
    starts = []
    for _ in range(5):
        await pacer.wait()
        starts.append(clock.now)
    assert starts == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1])


async def test_concurrent_waiters_are_spaced_and_reserved_in_small_blocks() -> None:
    budget = Budget(time.monotonic, 1 / 200)  # real time: the waiters overlap
    pacer = SharedPacer(200, budget.reserve)
    starts: list[float] = []

    async def request() -> None:
        await pacer.wait()
        starts.append(time.monotonic())

    await asyncio.gather(*(request() for _ in range(60)))
    starts.sort()
    assert starts[-1] - starts[0] >= 59 / 200 - 0.01  # never faster than the rate
    assert sum(budget.blocks) >= 60  # every request had a slot of its own …
    assert max(budget.blocks) <= int(200 * BLOCK_SECONDS)  # … reserved in small blocks


async def test_an_idle_pacer_does_not_wait() -> None:
    pacer, clock, _ = pacer_at(10)
    await pacer.wait()
    clock.now = 5.0
    await pacer.wait()
    assert clock.now == 5.0


async def test_a_pause_delays_the_next_request() -> None:
    pacer, clock, _ = pacer_at(10)
    await pacer.wait()
    await pacer.pause(3.0)
    await pacer.wait()
    assert clock.now == pytest.approx(3.0)


async def test_a_waiter_woken_late_takes_a_fresh_slot() -> None:
    clock = FakeTime()
    budget = Budget(clock, 0.1)

    async def oversleep(seconds: float) -> None:
        clock.now += seconds + 0.5  # the event loop was busy

    pacer = SharedPacer(10, budget.reserve, clock=clock, sleep=oversleep)
    await pacer.wait()
    await pacer.wait()
    assert budget.blocks == [1, 1, 1]  # the second request gave its stale slot up


def test_a_rate_must_be_positive() -> None:
    async def reserve(count: int, wait: float) -> float:
        return 0.0

    with pytest.raises(ValueError, match="positive"):
        SharedPacer(0, reserve)
