"""`scalebot bench fanout | ack`: posting at the platforms' limits, acking under a slow grader."""

from __future__ import annotations

from typing import Annotated

import typer

from scalebot.cli.bench import DatabaseUrl, _report
from scalebot.cli.evaluation import bench_app

PLATFORM_CHOICES = ("discord", "slack", "noop")


@bench_app.command("fanout")
def bench_fanout_command(
    platform: Annotated[
        str, typer.Option(help="discord, slack, or noop (the bot's own cost per channel)")
    ] = "discord",
    channels: Annotated[int, typer.Option(min=1, help="Channels whose round is due at once")] = (
        10_000
    ),
    workspaces: Annotated[
        int, typer.Option(min=1, help="Slack only: workspaces the channels are spread over")
    ] = 10,
    database_url: DatabaseUrl = None,
) -> None:
    """Post every channel's round at once through the real client to a rate-limiting fake."""
    if platform not in PLATFORM_CHOICES:
        typer.echo(f"error: --platform must be one of {', '.join(PLATFORM_CHOICES)}", err=True)
        raise typer.Exit(code=2)
    import asyncio

    from scalebot.bench.fanout import run_fanout

    result = asyncio.run(
        run_fanout(platform, channels=channels, database_url=database_url, workspaces=workspaces)
    )
    lines = [
        f"{result.platform}: {result.channels:,} channels posted in {result.seconds:.1f} s "
        f"({result.ms_per_channel:.2f} ms per channel)",
        f"  {result.requests:,} requests accepted, {result.refused:,} answered 429",
        f"  duplicates {result.duplicates}, missed {result.missed}",
    ]
    for miss in result.misses:
        lines.append(
            f"  channel {miss['channel']}: job {miss['job']}, round {miss['round']}, "
            f"{miss['platform_posts']} post(s) on the platform"
        )
    if result.ratio is not None:
        lines.insert(
            1, f"  ideal at the platform's limit {result.ideal_seconds:.1f} s: {result.ratio:.3f}×"
        )
    _report(lines, result.as_json())


@bench_app.command("ack")
def bench_ack_command(
    concurrency: Annotated[int, typer.Option(min=1, help="Slash commands sent at once")] = 100,
    grader_seconds: Annotated[
        float, typer.Option(min=0.0, help="How long the injected slow grader takes per answer")
    ] = 5.0,
    database_url: DatabaseUrl = None,
) -> None:
    """Send `/scale answer` commands at once to Slack HTTP mode; time each acknowledgement."""
    import asyncio

    from scalebot.bench.ack import run_ack

    result = asyncio.run(
        run_ack(concurrency=concurrency, grader_seconds=grader_seconds, database_url=database_url)
    )
    lines = [
        f"{result['concurrency']} × /scale answer at once, grader {grader_seconds:g} s per answer",
        f"  ack (HTTP 200): p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms",
        f"  private feedback delivered: {result['answered']} of {result['concurrency']}",
    ]
    _report(lines, result)
