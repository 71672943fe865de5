"""discord.py's rate-limit buckets, cleaned up in amortised time."""

from __future__ import annotations

import discord

# discord.py scans its buckets only once it holds this many (its own threshold).
FIRST_SCAN_AT = 256


def amortise_bucket_cleanup(http: discord.http.HTTPClient) -> None:
    """Scan for inactive rate-limit buckets only when their number has doubled since the last scan.

    discord.py keeps one bucket per route and channel and, each time it makes one, scans all of
    them for buckets idle five minutes: a fan-out to 10,000 channels (20,000 buckets: a post
    and a thread each) spent about a minute of CPU in those scans, and more under load. The scan
    only frees memory, so doubling the count between scans keeps it (linear in all) and bounds
    the idle buckets kept to the number of active ones.
    """
    scan = http._try_clear_expired_ratelimits
    next_scan = FIRST_SCAN_AT

    def clear_when_doubled() -> None:
        nonlocal next_scan
        if len(http._buckets) < next_scan:
            return
        scan()
        next_scan = max(FIRST_SCAN_AT, 2 * len(http._buckets))

    http._try_clear_expired_ratelimits = clear_when_doubled  # type: ignore[method-assign]
