"""`scalebot bench leaderboard | close | ingest | picture`: benchmarks at community size."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from scalebot.cli.evaluation import bench_app

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="sqlite:///… or postgresql://… (a scratch schema is made and dropped); "
        "default: a temporary SQLite file",
    ),
]


def _report(lines: list[str], result: dict[str, Any]) -> None:
    """Print the human summary, then the result as one JSON line (always the last line)."""
    import json

    for line in lines:
        typer.echo(line)
    typer.echo(json.dumps(result, sort_keys=True))


@bench_app.command("leaderboard")
def bench_leaderboard_command(
    users: Annotated[int, typer.Option(min=1, help="Members in the channel")] = 100_000,
    answers: Annotated[int, typer.Option(min=1, help="Answers over the channel's history")] = (
        1_040_000
    ),
    rounds: Annotated[int, typer.Option(min=2, help="Rounds in the channel's history")] = 60,
    samples: Annotated[int, typer.Option(min=1, help="Board reads timed per board")] = 200,
    database_url: DatabaseUrl = None,
) -> None:
    """Time every leaderboard (streak, week, month, all) as members see it; p50 and p99."""
    import asyncio

    from scalebot.bench.boards import bench_leaderboard

    result = asyncio.run(
        bench_leaderboard(
            url=database_url, users=users, answers=answers, rounds_=rounds, samples=samples
        )
    )
    lines = [f"{result['backend']}: {result['users']:,} members, {result['answers']:,} answers"]
    for name, figures in result["boards"].items():
        lines.append(f"  {name:6} p50 {figures['p50_ms']:.2f} ms   p99 {figures['p99_ms']:.2f} ms")
    _report(lines, result)


@bench_app.command("close")
def bench_close_command(
    answers: Annotated[int, typer.Option(min=1, help="Answers in the round")] = 17_000,
    runs: Annotated[int, typer.Option(min=1, help="Times the round is closed")] = 5,
    database_url: DatabaseUrl = None,
) -> None:
    """Time closing a round with many answers (the group summary); median of runs."""
    import asyncio

    from scalebot.bench.boards import bench_close

    result = asyncio.run(bench_close(url=database_url, answers=answers, runs=runs))
    lines = [
        f"{result['backend']}: closing a round of {result['answers']:,} answers took "
        f"{result['ms']:.1f} ms (median of {runs}, fastest {result['min_ms']:.1f} ms)"
    ]
    _report(lines, result)


@bench_app.command("ingest")
def bench_ingest_command(
    answers: Annotated[int, typer.Option(min=1, help="Answers to submit each way")] = 2_000,
    concurrency: Annotated[int, typer.Option(min=1, help="Concurrent submitters")] = 8,
    database_url: DatabaseUrl = None,
) -> None:
    """Time submit_answer against plain inserts of the same rows, side by side in one run."""
    import asyncio

    from scalebot.bench.ingest import bench_ingest

    result = asyncio.run(bench_ingest(url=database_url, answers=answers, concurrency=concurrency))
    lines = [
        f"{result['backend']}: submit_answer {result['answers_per_s']:,.0f}/s "
        f"(p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms); plain inserts "
        f"{result['raw_inserts_per_s']:,.0f}/s; ratio {result['ratio']:.3f}",
        f"SQL statements per answer (SQLite counts its BEGINs): submit_answer "
        f"{result['statements_per_answer']}, plain inserts {result['raw_statements_per_answer']}",
        f"{concurrency} concurrent submitters: {result['concurrent_answers_per_s']:,.0f}/s "
        f"({result['concurrent_speedup']}× one at a time)",
    ]
    _report(lines, result)


@bench_app.command("picture")
def bench_picture_command(
    runs: Annotated[int, typer.Option(min=1, help="Pictures drawn per language")] = 20,
) -> None:
    """Time drawing the stats PNG for 26 busy weeks, in each language; its size."""
    from scalebot.bench.picture import bench_picture

    result = bench_picture(runs=runs)
    lines = [f"CJK font: {result['cjk_font'] or 'none (Chinese labels fall back to English)'}"]
    for language in ("en", "zh"):
        figures = result[language]
        lines.append(
            f"  {language}: {figures['bytes'] / 1024:.1f} KB, draw p50 {figures['p50_ms']:.0f} ms,"
            f" slowest {figures['max_ms']:.0f} ms"
        )
    _report(lines, result)


@bench_app.command("cli")
def bench_cli_command(
    runs: Annotated[int, typer.Option(min=1, help="Runs of each command, taking turns")] = 20,
) -> None:
    """Time `scalebot --help` beside `import typer` and `python -c pass`; list heavy imports."""
    from scalebot.bench.startup import bench_startup

    result = bench_startup(runs)
    lines = [
        f"scalebot --help {result.help_s:.3f} s, import typer {result.typer_s:.3f} s, "
        f"python -c pass {result.python_s:.3f} s (medians of {runs}, taking turns)",
        f"heavy modules imported by --help: {', '.join(result.heavy_imports) or 'none'}",
    ]
    _report(lines, result.as_json())
