"""Pace outgoing requests so a fan-out to many channels stays under Discord's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from scalebot.ops import metrics

# Discord allows 50 requests/s per bot token; leave room for interaction replies and retries.
GLOBAL_LIMIT_PER_SECOND = 50
PACED_PER_SECOND = 40.0


def share_of_limit(shard_count: int | None, shard_ids: list[int]) -> float:
    """Requests per second for this process: its share of the shards, of the paced rate."""
    if not shard_count or not shard_ids:
        return PACED_PER_SECOND
    return PACED_PER_SECOND * len(shard_ids) / shard_count


class Pacer:
    """Spaces request starts at least 1/rate seconds apart, in arrival order."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Allow `per_second` request starts per second."""
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may start."""
        async with self._lock:
            delay = self._next - self._clock()
            if delay > 0:
                metrics.RATE_LIMIT_WAITS.labels(platform="discord").inc()
                await self._sleep(delay)
            self._next = max(self._clock(), self._next) + self.interval
