"""`scalebot bench cli` runs at a tiny size; `scalebot --help` imports none of the heavy modules."""

from __future__ import annotations

import json
import sys

from typer.testing import CliRunner

from scalebot.bench.startup import HEAVY, heavy_imports
from scalebot.cli import app


def test_bench_cli_reports_medians_and_heavy_imports() -> None:
    result = CliRunner().invoke(app, ["bench", "cli", "--runs", "1"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["runs"] == 1
    assert min(figures["python_s"], figures["typer_s"], figures["help_s"]) > 0
    assert figures["heavy_imports"] == []


def test_help_imports_no_heavy_module() -> None:
    assert heavy_imports() == []


def test_the_import_check_sees_heavy_modules_when_they_load() -> None:
    found = heavy_imports((sys.executable, "-c", "import scalebot.app"))
    assert {"scalebot.app", "sqlalchemy", "asyncio"} <= set(found) <= set(HEAVY)
