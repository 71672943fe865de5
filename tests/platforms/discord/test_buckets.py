"""discord.py's rate-limit buckets are cleaned up in amortised time, and still cleaned up."""

from __future__ import annotations

import asyncio

import discord
import pytest

from scalebot.platforms.discord.buckets import amortise_bucket_cleanup

ROUTE = "POST /channels/{channel_id}/messages"


class Scans:
    """Counts the bucket checks discord.py's cleanup makes."""

    def __init__(self) -> None:
        """None yet."""
        self.checked = 0


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Scans:
    """Count calls of discord.py's own Ratelimit.is_inactive."""
    counted = Scans()
    inactive = discord.http.Ratelimit.is_inactive

    def counting(self: discord.http.Ratelimit) -> bool:
        counted.checked += 1
        return inactive(self)

    monkeypatch.setattr(discord.http.Ratelimit, "is_inactive", counting)
    return counted


async def test_a_fan_out_to_thousands_of_channels_checks_each_bucket_a_few_times(
    scans: Scans,
) -> None:
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    amortise_bucket_cleanup(http)
    for channel in range(5000):
        http.get_ratelimit(f"{ROUTE}:{channel}")
    # discord.py alone checks every bucket each time it adds one: about 12 million checks.
    assert scans.checked < 3 * 5000
    assert len(http._buckets) == 5000


async def test_idle_buckets_are_still_dropped_once_the_count_doubles(scans: Scans) -> None:
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    amortise_bucket_cleanup(http)
    for channel in range(300):
        http.get_ratelimit(f"{ROUTE}:{channel}")
    idle = http.get_ratelimit(f"{ROUTE}:0")
    idle._last_request -= 301  # five minutes without a request
    for channel in range(300, 1200):
        http.get_ratelimit(f"{ROUTE}:{channel}")
    assert f"{ROUTE}:0" not in http._buckets
    assert len(http._buckets) == 1199
