"""Caching per question by identity: hashing a frozen pydantic model costs more than the work."""

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
