"""Helpers for tests that run the bot as a real process on a local port."""

from __future__ import annotations

import asyncio
import socket

import aiohttp


def free_port() -> int:
    """A port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


HEALTH_WAIT_SECONDS = 60


async def wait_healthy(url: str, bot: asyncio.subprocess.Process) -> None:
    """Poll a health URL until it answers 200; fail when the bot exits or a minute passes."""

    async def poll(session: aiohttp.ClientSession) -> None:
        while bot.returncode is None:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"the bot exited with {bot.returncode}")

    async with aiohttp.ClientSession() as session:
        await asyncio.wait_for(poll(session), timeout=HEALTH_WAIT_SECONDS)
