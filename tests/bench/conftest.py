"""Shared by the bench tests: where to run a bench, and how to read its JSON line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from scalebot.cli import app
from tests.conftest import postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bench_url(request: pytest.FixtureRequest) -> str | None:
    """No URL (a scratch SQLite file) or the test PostgreSQL server (a scratch schema)."""
    if request.param == "sqlite":
        return None
    url = postgres_url()
    if url is None:
        pytest.skip("set SCALEBOT_TEST_DATABASE_URL to run PostgreSQL benches")
    return url


def run_bench(*args: str, url: str | None) -> dict[str, Any]:
    """Run `scalebot bench …` and return its last line, parsed as JSON."""
    extra = ["--database-url", url] if url else []
    result = CliRunner().invoke(app, ["bench", *args, *extra])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output.strip().splitlines()[-1]))
