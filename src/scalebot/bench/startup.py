"""How long `scalebot --help` takes to start, beside a bare interpreter and bare Typer."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

HELP: tuple[str, ...] = (sys.executable, "-m", "scalebot", "--help")
BARE: tuple[str, ...] = (sys.executable, "-c", "pass")
TYPER: tuple[str, ...] = (sys.executable, "-c", "import typer")
# Modules `scalebot --help` must not import: each costs tens of milliseconds and none is needed
# to print help (Rich's help renderer alone pulls in Markdown, Pygments and tracebacks).
HEAVY = (
    "asyncio",
    "rich",
    "sqlalchemy",
    "pydantic",
    "yaml",
    "aiohttp",
    "babel",
    "scalebot.app",
    "scalebot.settings",
)


@dataclass(frozen=True)
class StartupResult:
    """Medians in seconds, and the heavy modules `--help` imported."""

    runs: int
    help_s: float
    typer_s: float
    python_s: float
    heavy_imports: list[str]

    def as_json(self) -> dict[str, object]:
        """The JSON line's fields."""
        return asdict(self)


def _seconds(command: Sequence[str]) -> float:
    """Wall time of one run of `command`, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def heavy_imports(command: Sequence[str] = HELP) -> list[str]:
    """The HEAVY modules a run of `command` imports (read from `python -X importtime`)."""
    traced = [command[0], "-X", "importtime", *command[1:]]
    found = subprocess.run(traced, check=True, capture_output=True, text=True).stderr
    names = {line.rsplit("|", 1)[-1].strip() for line in found.splitlines() if "|" in line}
    return sorted(name for name in HEAVY if name in names)


def bench_startup(runs: int) -> StartupResult:
    """Median wall times of `scalebot --help`, `import typer` and `pass`, runs taking turns."""
    commands = (HELP, TYPER, BARE)
    for command in commands:
        _seconds(command)  # warm the file cache and the bytecode
    times: list[list[float]] = [[], [], []]
    for _ in range(runs):
        for spent, command in zip(times, commands, strict=True):
            spent.append(_seconds(command))
    help_s, typer_s, python_s = (round(statistics.median(spent), 3) for spent in times)
    return StartupResult(runs, help_s, typer_s, python_s, heavy_imports())
