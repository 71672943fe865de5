"""Pace requests against a budget every process shares: slots reserved in small blocks."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from scalebot.ops import metrics
from scalebot.services.budgets import SharedBudgets

# reserve(count, wait) takes `count` slots, none sooner than `wait` s; returns s to the first.
Reserve = Callable[[int, float], Awaitable[float]]
# One reservation covers at most this much time, so idle processes never hoard slots.
BLOCK_SECONDS = 0.25


def shared_budget(budgets: SharedBudgets, bucket: str, interval: float) -> Reserve:
    """A Reserve backed by the database: one budget for every process on it."""

    async def reserve(count: int, wait: float) -> float:
        return await budgets.reserve(bucket=bucket, count=count, interval=interval, wait=wait)

    return reserve


class SharedPacer:
    """Starts requests at most `per_second` a second, in arrival order, across processes."""

    def __init__(
        self,
        per_second: float,
        reserve: Reserve,
        *,
        platform: str = "",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Pace to `per_second`, taking slots from `reserve`."""
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self.platform = platform
        self._reserve = reserve
        self._clock = clock
        self._sleep = sleep
        self._block = max(1, int(per_second * BLOCK_SECONDS))
        self._slots: deque[float] = deque()
        self._waiting = 0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return at the start of this request's slot (a fresh slot when woken too late)."""
        while True:
            self._waiting += 1
            try:
                async with self._lock:
                    start = await self._next_slot()
            finally:
                self._waiting -= 1
            delay = start - self._clock()
            if delay > 0:
                if self.platform:
                    metrics.RATE_LIMIT_WAITS.labels(platform=self.platform).inc()
                await self._sleep(delay)
            # Woken late (a busy event loop), this request would crowd the next slots' second.
            if self._clock() - start <= self.interval:
                return

    async def _next_slot(self) -> float:
        """The earliest unused slot reserved here, reserving a block when none is left."""
        stale = self._clock() - self.interval
        while self._slots and self._slots[0] < stale:
            self._slots.popleft()  # left over from a cancelled waiter: its moment has passed
        if not self._slots:
            count = min(self._waiting, self._block)
            delay = await self._reserve(count, 0.0)
            first = self._clock() + delay
            self._slots.extend(first + n * self.interval for n in range(count))
        return self._slots.popleft()

    async def pause(self, seconds: float) -> None:
        """Start nothing, in any process, for `seconds` (the platform answered Retry-After)."""
        async with self._lock:
            self._slots.clear()
            await self._reserve(0, seconds)
