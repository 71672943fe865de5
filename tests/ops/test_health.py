"""Health checks: each bounded by its timeout, a failing one makes the whole answer 503."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from scalebot.ops.health import Health, HealthServer


async def ok() -> bool:
    """A part that works."""
    return True


async def hung() -> bool:
    """A part that never answers and is slow to cancel, like a frozen database driver."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        await asyncio.sleep(3)  # the cleanup a hung connection makes us wait for
        raise
    return True


async def broken() -> bool:
    """A part that raises."""
    raise ConnectionRefusedError("down")


@pytest.fixture
async def served() -> AsyncIterator[tuple[Health, str]]:
    """A health server on a free port of 127.0.0.1."""
    health = Health({"database": ok})
    server = HealthServer(health, "127.0.0.1", 0)
    await server.start()
    assert server.address is not None
    try:
        yield health, f"http://127.0.0.1:{server.address[1]}"
    finally:
        await server.stop()


async def test_all_parts_up_is_200(served: tuple[Health, str]) -> None:
    health, url = served
    health.add("scheduler", ok)
    async with aiohttp.ClientSession() as session, session.get(f"{url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "database": "ok", "scheduler": "ok"}


async def test_a_hung_or_broken_part_is_503_without_waiting_for_it(
    served: tuple[Health, str],
) -> None:
    health, url = served
    health.add("database", hung)
    health.add("slack", broken)
    started = time.monotonic()
    async with aiohttp.ClientSession() as session, session.get(f"{url}/healthz") as response:
        assert response.status == 503
        assert await response.json() == {"ok": False, "database": "timeout", "slack": "down"}
    assert time.monotonic() - started < 2.0
