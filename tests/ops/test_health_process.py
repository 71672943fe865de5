"""/healthz and /metrics of a real `scalebot run slack` (Socket Mode) on a throwaway PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.ops.throwaway_postgres import Server, available, throwaway_postgres
from tests.platforms.processes import free_port, wait_healthy
from tests.platforms.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack

pytestmark = pytest.mark.skipif(not available(), reason="needs initdb and pg_ctl")


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, Any, float]:
    """Status, JSON body and seconds taken of a GET."""
    started = time.monotonic()
    async with session.get(url) as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body, time.monotonic() - started


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, str, Server]]:
    """The bot in Socket Mode against a fake Slack, with SCALEBOT_HEALTH_PORT, JSON logs."""
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    with throwaway_postgres() as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")},
            "SCALEBOT_DATABASE_URL": server.url,
            "SCALEBOT_SLACK_BOT_TOKEN": BOT_TOKEN,
            "SCALEBOT_SLACK_APP_TOKEN": APP_TOKEN,
            "SCALEBOT_SLACK_API_URL": fake.api_url,
            "SCALEBOT_HEALTH_HOST": "127.0.0.1",
            "SCALEBOT_HEALTH_PORT": str(port),
            "SCALEBOT_LOG_FORMAT": "json",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scalebot", "run", "slack",
            env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            yield process, f"http://127.0.0.1:{port}", server
        finally:
            server.signal(signal.SIGCONT)
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
                await asyncio.wait_for(process.wait(), timeout=30)
            await fake.close()


async def test_a_hung_database_gets_503_within_two_seconds(
    bot: tuple[asyncio.subprocess.Process, str, Server],
) -> None:
    process, base, server = bot
    await wait_healthy(f"{base}/healthz", process)
    async with aiohttp.ClientSession() as session:
        status, body, _ = await _get(session, f"{base}/healthz")
        assert (status, body) == (
            200,
            {"ok": True, "database": "ok", "scheduler": "ok", "slack": "ok"},
        )
        server.signal(signal.SIGSTOP)
        status, body, seconds = await _get(session, f"{base}/healthz")
        assert status == 503
        assert body["database"] == "timeout"
        assert (body["scheduler"], body["slack"]) == ("ok", "ok")
        assert seconds < 2.0
        server.signal(signal.SIGCONT)
        await wait_healthy(f"{base}/healthz", process)
        async with session.get(f"{base}/metrics") as response:
            exposition = await response.text()
    assert 'scalebot_healthy{check="database"} 1.0' in exposition
    for name in ("posts", "answers", "platform_errors", "rate_limit_waits"):
        assert f"# TYPE scalebot_{name}_total counter" in exposition
    assert "# TYPE scalebot_grading_seconds histogram" in exposition
    assert "scalebot_claims_awaiting_resolution 0.0" in exposition


async def test_logs_are_one_json_object_per_line(
    bot: tuple[asyncio.subprocess.Process, str, Server],
) -> None:
    process, base, _ = bot
    await wait_healthy(f"{base}/healthz", process)
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.wait(), timeout=30)
    assert process.stderr is not None
    lines = (await process.stderr.read()).decode().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any("Socket Mode: connected" in r["message"] for r in records)
