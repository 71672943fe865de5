"""GET /healthz and GET /metrics: each check bounded by a timeout, 503 when any fails."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from aiohttp import web

from scalebot.ops.metrics import HEALTHY, exposition

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
CHECK_TIMEOUT = 1.5  # seconds per check; all run at once, so the answer comes within 2 s
# A check answers True when its part works; raising or timing out counts as down.
Check = Callable[[], Awaitable[bool]]


# Checks that timed out, still cancelling: a hung driver may take long to let go.
_abandoned: set[asyncio.Task[bool]] = set()


async def _run(name: str, check: Check, seconds: float) -> str:
    """One check's verdict: ok, down or timeout (never waiting past `seconds`)."""
    task = asyncio.ensure_future(check())
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        # wait_for would wait for the cancellation to finish; a hung database delays that.
        task.cancel()
        _abandoned.add(task)
        task.add_done_callback(_forget)
        return "timeout"
    try:
        healthy = task.result()
    except Exception as exc:  # a failing check is a verdict, not a crash
        log.warning("health check %s failed (%s)", name, type(exc).__name__)
        return "down"
    return "ok" if healthy else "down"


def _forget(task: asyncio.Task[bool]) -> None:
    """Drop an abandoned check once it has ended, reading its outcome so nothing warns."""
    _abandoned.discard(task)
    if not task.cancelled():
        task.exception()


async def report(checks: Mapping[str, Check], seconds: float = CHECK_TIMEOUT) -> dict[str, str]:
    """Run every check at once, each for at most `seconds`; map names to ok, down or timeout."""
    verdicts = await asyncio.gather(*(_run(n, c, seconds) for n, c in checks.items()))
    result = dict(zip(checks, verdicts, strict=True))
    for name, verdict in result.items():
        HEALTHY.labels(check=name).set(1 if verdict == "ok" else 0)
    return result


class Pingable(Protocol):
    """Anything with an async ping() that raises when it is down (the database)."""

    async def ping(self) -> None:
        """Raise when unreachable."""
        ...


def database_check(database: Pingable) -> Check:
    """A check that the database answers a query."""

    async def check() -> bool:
        await database.ping()
        return True

    return check


class Health:
    """The checks of one process and the aiohttp handlers that serve them."""

    def __init__(self, checks: Mapping[str, Check] | None = None) -> None:
        """Start with the given checks; add more with add()."""
        self.checks: dict[str, Check] = dict(checks or {})
        self.before_metrics: list[Callable[[], Awaitable[None]]] = []

    def add(self, name: str, check: Check) -> None:
        """Add or replace a named check."""
        self.checks[name] = check

    async def healthz(self, request: web.Request) -> web.Response:
        """200 with every check ok, else 503; the body names each check's verdict."""
        verdicts = await report(self.checks)
        ok = all(verdict == "ok" for verdict in verdicts.values())
        return web.json_response({"ok": ok, **verdicts}, status=200 if ok else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        """The Prometheus exposition, refreshed gauges first (bounded like a check)."""
        for refresh in self.before_metrics:
            try:
                await asyncio.wait_for(refresh(), CHECK_TIMEOUT)
            except Exception as exc:
                log.warning("metrics refresh failed (%s)", type(exc).__name__)
        body, content_type = exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    def routes(self, application: web.Application) -> None:
        """Add GET /healthz and GET /metrics to an aiohttp application."""
        application.router.add_get(HEALTH_PATH, self.healthz)
        application.router.add_get(METRICS_PATH, self.metrics)


class HealthServer:
    """A small HTTP server for /healthz and /metrics (Socket Mode, Discord, any mode)."""

    def __init__(self, health: Health, host: str, port: int) -> None:
        """Serve `health` on host:port once started."""
        self.health, self.host, self.port = health, host, port
        self._runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None

    async def start(self) -> None:
        """Listen; raise OSError when the port is taken."""
        application = web.Application()
        self.health.routes(application)
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.address = (str(host), int(port))
        log.info("health and metrics on http://%s:%s%s", host, port, HEALTH_PATH)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
