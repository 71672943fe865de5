"""Caching: per question by identity (hashing a frozen pydantic model costs more than the
work), and per word or character in a plain dict."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")
_SIZE = 4096


def per_object(fn: Callable[[K], V]) -> Callable[[K], V]:
    """Remember fn(x) for each object x (kept alive by the cache, so ids are not reused)."""
    cache: dict[int, tuple[K, V]] = {}

    @functools.wraps(fn)
    def remembered(key: K) -> V:
        entry = cache.get(id(key))
        if entry is not None and entry[0] is key:
            return entry[1]
        if len(cache) >= _SIZE:
            cache.clear()
        value = fn(key)
        cache[id(key)] = (key, value)
        return value

    return remembered


class Remembered(dict[K, V]):
    """work(key) for each key asked, kept in a plain dict: a lookup costs a third of an
    lru_cache call, and str.translate can read it as its table. Emptied when full."""

    def __init__(self, work: Callable[[K], V], *, kept: int) -> None:
        super().__init__()
        self._work = work
        self._kept = kept

    def __missing__(self, key: K) -> V:
        if len(self) >= self._kept:
            self.clear()
        value = self[key] = self._work(key)
        return value
