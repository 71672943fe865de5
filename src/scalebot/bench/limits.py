"""A sliding-window request limit, as the fakes enforce the platforms' documented limits."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` requests in any `window` seconds; a refused request is not counted."""

    def __init__(
        self, limit: int, window: float = 1.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow `limit` requests per `window` seconds."""
        if limit < 1 or window <= 0:
            raise ValueError("a limit needs at least one request in a positive window")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._starts: deque[float] = deque()
        self.refused = 0

    def delay(self) -> float:
        """Seconds until a request would be admitted (0: now), counting nothing."""
        now = self._clock()
        while self._starts and self._starts[0] <= now - self.window:
            self._starts.popleft()
        if len(self._starts) < self.limit:
            return 0.0
        return self._starts[0] + self.window - now

    def record(self) -> None:
        """Count an admitted request."""
        self._starts.append(self._clock())

    def admit(self) -> float:
        """Count a request and return 0, or return the seconds until one would be admitted."""
        wait = self.delay()
        if wait > 0:
            self.refused += 1
            return wait
        self.record()
        return 0.0


def admit_all(*windows: SlidingWindow) -> float:
    """Admit a request that counts against every window, or return the longest wait."""
    wait = max(window.delay() for window in windows)
    if wait > 0:
        return wait
    for window in windows:
        window.record()
    return 0.0
