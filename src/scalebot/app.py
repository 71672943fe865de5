"""The one composition root: database, clock, adapters, context and scheduler, every mode."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from scalebot.bank.loader import load_bank
from scalebot.db import migrate
from scalebot.db.engine import Database, DatabaseInUse
from scalebot.domain.clock import Clock, SimulatedClock, utc_now
from scalebot.domain.questions import QuestionBank, QuestionBankError
from scalebot.grading.feedback import Grader
from scalebot.grading.rubric import RubricGrader
from scalebot.ops import metrics
from scalebot.ops.health import Health, HealthServer, database_check
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services import rounds
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext, DeliveryPolicy, InFlight, Messenger
from scalebot.services.questions import sync_questions
from scalebot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
# The console's commands run one at a time in its loop: nothing is in flight when it ends.
CONSOLE_GRACE = 1.0


def _redacted(url: str) -> str:
    """The URL without its password, safe to print."""
    return make_url(url).render_as_string(hide_password=True)


async def open_database(settings: Settings, *, exclusive: bool = True) -> Database:
    """Connect, take the SQLite file's process lock, and upgrade the schema.

    An unreachable database, or a SQLite file another process holds, is a settings error.
    `exclusive=False` is for reading a file a running bot holds (tests and tools).
    """
    url = settings.effective_database_url
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_url(url)
    try:
        await database.ping()
    except Exception as exc:
        await database.dispose()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SettingsError(
            f"SCALEBOT_DATABASE_URL: cannot connect to {_redacted(url)} ({reason})"
        ) from None
    try:
        # Before the upgrade: a refused second process must not migrate the file under the first.
        if exclusive:
            database.lock_exclusively()
    except DatabaseInUse as exc:
        await database.dispose()
        raise SettingsError(f"SCALEBOT_DATABASE_URL: {exc}") from None
    await migrate.upgrade(database)
    return database


async def build_context(
    settings: Settings,
    *,
    database: Database | None = None,
    messengers: Mapping[str, Messenger] | None = None,
) -> AppContext:
    """Load the bank, open the database (unless given) and sync the bank; return the context."""
    bank = question_bank(settings)
    database = database or await open_database(settings)
    ctx = AppContext(
        database,
        bank,
        build_grader(settings),
        dict(messengers or {}),
        delivery=delivery_policy(settings),
        language=settings.language,
    )
    report = await sync_questions(ctx, now=utc_now())
    log.info("question bank: %s added, %s updated, %s retired", *vars(report).values())
    return ctx


def question_bank(settings: Settings) -> QuestionBank:
    """The shipped bank with the operator's folder merged in; a bad file stops with one line."""
    try:
        return load_bank(settings.questions_dir)
    except QuestionBankError as exc:
        if settings.questions_dir is None:
            raise
        raise SettingsError(f"SCALEBOT_QUESTIONS_DIR: {exc}") from None


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """Leases, timeouts, retries and the cap on round posts, from the settings."""
    delivery = settings.delivery
    return DeliveryPolicy(
        lease=timedelta(seconds=delivery.lease),
        post_timeout=timedelta(seconds=delivery.post_timeout),
        settle=timedelta(seconds=min(10.0, delivery.post_timeout)),
        watchdog_every=timedelta(seconds=delivery.watchdog_interval),
        retry_base=timedelta(seconds=delivery.retry_base),
        round_jobs=delivery.round_jobs,
    )


def build_grader(settings: Settings) -> Grader:
    """The rubric grader, joined by the LLM grader when SCALEBOT_LLM_URL is set."""
    if not settings.llm.url:
        return RubricGrader()
    from scalebot.grading.llm import LLMGrader

    host = urlsplit(settings.llm.url).hostname  # never the path or credentials
    log.info("grading: rubric plus LLM %s on %s", settings.llm.model, host)
    return LLMGrader.from_settings(settings.llm)


class PlatformAdapter(Protocol):
    """A platform (Slack, Discord, the console) as the bootstrap sees it.

    Two phases: the constructor builds the messenger, so the context can be built complete with
    every messenger in it; bind() then hands the adapter that context (and the scheduler, which
    the console drives by hand) before start() connects.
    """

    name: str
    messenger: Messenger

    def bind(self, ctx: AppContext, scheduler: RoundScheduler) -> None:
        """Serve the complete context: register the handlers that call its services."""
        ...

    async def start(self) -> None:
        """Connect and begin handling events; return once ready."""
        ...

    async def connected(self) -> bool:
        """Tell whether the platform connection is up (for /healthz)."""
        ...

    async def wait_closed(self) -> None:
        """Return when the connection has ended."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...


@dataclass(frozen=True)
class ConsoleOptions:
    """Where the console reads and prints, who types, and the simulated clock's start."""

    lines: Iterable[str] | None  # None: interactive
    output: TextIO | None = None
    user_name: str | None = None
    start: datetime | None = None
    files_dir: Path | None = None  # where delivered files are saved (default: the current one)


def create_adapter(
    name: str,
    settings: Settings,
    *,
    database: Database,
    clock: Clock,
    console: ConsoleOptions | None = None,
) -> PlatformAdapter:
    """Build the adapter for a platform; each platform module is imported only when used."""
    budgets = SharedBudgets(database)
    if name == "slack":
        from scalebot.platforms.slack import create_adapter as create_slack

        return create_slack(settings, budgets=budgets, engine=database.engine, clock=clock)
    if name == "discord":
        from scalebot.platforms.discord import create_adapter as create_discord

        return create_discord(settings, budgets=budgets, clock=clock)
    if name == "console":
        from scalebot.platforms.console import ConsoleAdapter

        if not isinstance(clock, SimulatedClock):
            raise SettingsError("SCALEBOT_PLATFORM: the console runs on a simulated clock")

        options = console or ConsoleOptions(lines=None)
        return ConsoleAdapter(
            lines=options.lines,
            clock=clock,
            output=options.output,
            user_name=options.user_name,
            post_time=settings.post_time,
            timezone=settings.timezone,
            files_dir=options.files_dir,
        )
    raise SettingsError(f"SCALEBOT_PLATFORM: unknown platform '{name}'")


def clock_for(platforms: list[str], console: ConsoleOptions | None) -> Clock:
    """The one clock of the process: the console's simulated one, else the wall clock."""
    if platforms == ["console"]:
        return SimulatedClock((console.start if console else None) or utc_now())
    if "console" in platforms:
        raise SettingsError("SCALEBOT_PLATFORM: the console runs on its own clock, alone")
    return utc_now


def check_platforms(settings: Settings, platforms: list[str]) -> None:
    """Check every platform's settings at once; report all problems in one error."""
    problems: list[str] = []
    for name in platforms:
        try:
            if name == "slack":
                from scalebot.platforms.slack.config import slack_config

                slack_config(settings)
            elif name == "discord":
                from scalebot.platforms.discord.config import DiscordConfig

                DiscordConfig.from_settings(settings)
        except SettingsError as exc:
            problems.extend(str(exc).splitlines())
    if problems:
        raise SettingsError("\n".join(problems))


def process_health(
    ctx: AppContext, scheduler: RoundScheduler, adapters: list[PlatformAdapter]
) -> Health:
    """The checks of a running bot: database, scheduler and every platform connection."""
    health = Health({"database": database_check(ctx.db), "scheduler": scheduler.is_running})
    for adapter in adapters:
        health.add(adapter.name, adapter.connected)
    health.before_metrics.append(_count_claims(ctx))
    return health


def _count_claims(ctx: AppContext) -> Callable[[], Awaitable[None]]:
    """Refresh the claims-awaiting-resolution gauge from the database."""

    async def refresh() -> None:
        metrics.CLAIMS_AWAITING.set(await rounds.claims_awaiting(ctx))

    return refresh


async def start_health_server(settings: Settings, health: Health) -> HealthServer | None:
    """Serve /healthz and /metrics on SCALEBOT_HEALTH_PORT, when set."""
    if settings.health_port is None:
        return None
    server = HealthServer(health, settings.health_host, settings.health_port)
    try:
        await server.start()
    except OSError as exc:
        raise SettingsError(
            f"SCALEBOT_HEALTH_PORT: cannot listen on {settings.health_host}:"
            f"{settings.health_port} ({exc.strerror or exc})"
        ) from None
    return server


async def run_bot(
    settings: Settings, platforms: list[str], *, console: ConsoleOptions | None = None
) -> None:
    """Run platform adapters, the scheduler and the database until they close or SIGTERM."""
    check_platforms(settings, platforms)  # before the database is touched
    database = await open_database(settings)
    try:
        clock = clock_for(platforms, console)
        adapters = [
            create_adapter(name, settings, database=database, clock=clock, console=console)
            for name in platforms
        ]
        messengers = {adapter.name: adapter.messenger for adapter in adapters}
        ctx = await build_context(settings, database=database, messengers=messengers)
        scheduler = RoundScheduler(ctx, clock)
        await serve(ctx, adapters, scheduler, grace=settings.shutdown_grace, settings=settings)
    finally:
        await database.dispose()


async def run_console(
    ctx: AppContext,
    *,
    lines: Iterable[str] | None,
    output: TextIO | None = None,
    user_name: str | None = None,
    post_time: str = "09:00",
    timezone: str = "UTC",
    start: datetime | None = None,
    files_dir: Path | None = None,
) -> None:
    """Run the console on an open context's database: interactive when `lines` is None.

    `scalebot console` goes through run_bot; this serves a context built elsewhere (tests).
    """
    from scalebot.platforms.console import ConsoleAdapter

    clock = SimulatedClock(start or utc_now())
    adapter = ConsoleAdapter(
        lines=lines,
        clock=clock,
        output=output,
        user_name=user_name,
        post_time=post_time,
        timezone=timezone,
        files_dir=files_dir,
    )
    served = replace(
        ctx,
        messengers={**ctx.messengers, adapter.name: adapter.messenger},
        inflight=InFlight(),
        channel_listeners=[],
    )
    await serve(served, [adapter], RoundScheduler(served, clock), grace=CONSOLE_GRACE)


async def serve(
    ctx: AppContext,
    adapters: list[PlatformAdapter],
    scheduler: RoundScheduler,
    *,
    grace: float,
    settings: Settings | None = None,
) -> None:
    """Bind and start the adapters and the scheduler until they close or a stop signal.

    Then the work in flight gets `grace` seconds and the adapters stop; the database stays open.

    On a simulated clock (the console) the scheduler's jobs never run on their own: the
    console fires them as its clock moves, and Ctrl-C is the console's own. `settings` give
    the health server's address.
    """
    health = _bind(ctx, adapters, scheduler)
    timed = not isinstance(scheduler.clock, SimulatedClock)
    health_server = await start_health_server(settings, health) if settings and timed else None
    stop = asyncio.Event()
    handled = _on_stop_signals(stop) if timed else []
    starting: list[asyncio.Task[object]] = []
    try:
        await _run_until_closed(adapters, scheduler if timed else None, stop, starting)
    finally:
        await _shut_down(ctx, scheduler, adapters, starting, grace=grace)
        if health_server is not None:
            await health_server.stop()
        for sig in handled:
            asyncio.get_running_loop().remove_signal_handler(sig)


def _bind(ctx: AppContext, adapters: list[PlatformAdapter], scheduler: RoundScheduler) -> Health:
    """Wire the complete context into the scheduler and the adapters; return the health."""
    ctx.channel_listeners.append(scheduler.refresh)
    for adapter in adapters:
        adapter.bind(ctx, scheduler)
    health = process_health(ctx, scheduler, adapters)
    for adapter in adapters:
        if hasattr(adapter, "health"):
            adapter.health = health  # Slack's HTTP mode serves it on its own port too
    return health


async def _run_until_closed(
    adapters: list[PlatformAdapter],
    scheduler: RoundScheduler | None,
    stop: asyncio.Event,
    starting: list[asyncio.Task[object]],
) -> None:
    """Start the adapters, then the scheduler (into `starting`); wait for a close or a stop."""
    for adapter in adapters:
        await adapter.start()
    if scheduler is not None:
        starting.append(asyncio.create_task(scheduler.start()))
    closed = asyncio.gather(*(adapter.wait_closed() for adapter in adapters))
    waiting = [asyncio.ensure_future(_all(closed)), asyncio.ensure_future(_until(stop))]
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    for task in waiting:
        task.cancel()
    failed = waiting[0].exception() if waiting[0].done() and not waiting[0].cancelled() else None
    if failed is not None:
        raise failed  # an adapter ended with an error: say which


async def _until(stop: asyncio.Event) -> None:
    await stop.wait()


async def _all(closed: asyncio.Future[list[None]]) -> None:
    await closed


def _on_stop_signals(stop: asyncio.Event) -> list[signal.Signals]:
    """Turn SIGTERM (docker stop) and SIGINT (Ctrl-C) into a graceful stop."""
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, _stop_requested, stop, sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            continue
        handled.append(sig)
    return handled


def _stop_requested(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("%s: stopping, finishing the work in flight", sig.name)
    stop.set()


async def _shut_down(
    ctx: AppContext,
    scheduler: RoundScheduler,
    adapters: list[PlatformAdapter],
    starting: list[asyncio.Task[object]],
    *,
    grace: float,
) -> None:
    """Take no new work, finish answers and posts in flight within the grace, then close."""
    scheduler.shutdown()
    busy = len(ctx.inflight)
    drained = asyncio.gather(
        ctx.inflight.drain(grace),
        asyncio.wait_for(scheduler.drain(), grace),
        return_exceptions=True,
    )
    dropped, posts = await drained
    for task in starting:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if busy or dropped:
        log.info("shutdown: %s requests in flight, %s not finished (members told)", busy, dropped)
    if isinstance(posts, BaseException):
        log.warning("shutdown: round posts still in flight; the watchdog settles them later")
    for adapter in adapters:
        try:
            await adapter.stop()
        except Exception:
            log.exception("closing %s failed", adapter.name)
