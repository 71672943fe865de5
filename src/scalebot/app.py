"""Bootstrap: the one place that wires settings, database, bank, grader and scheduler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from scalebot.bank.loader import load_bank
from scalebot.db import migrate
from scalebot.db.engine import Database, DatabaseInUse
from scalebot.domain.clock import utc_now
from scalebot.grading.feedback import Grader
from scalebot.grading.rubric import RubricGrader
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services.context import AppContext, DeliveryPolicy, Messenger
from scalebot.services.questions import sync_questions
from scalebot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def _redacted(url: str) -> str:
    """The URL without its password, safe to print."""
    return make_url(url).render_as_string(hide_password=True)


async def open_database(settings: Settings) -> Database:
    """Connect and upgrade the schema; an unreachable database is a settings error."""
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
    await migrate.upgrade(database)
    return database


async def build_context(
    settings: Settings, *, messengers: Mapping[str, Messenger] | None = None
) -> AppContext:
    """Open the database, load the bank and sync it; return the shared context."""
    database = await open_database(settings)
    try:
        database.lock_exclusively()
    except DatabaseInUse as exc:
        await database.dispose()
        raise SettingsError(f"SCALEBOT_DATABASE_URL: {exc}") from None
    ctx = AppContext(
        database,
        load_bank(),
        build_grader(settings),
        dict(messengers or {}),
        delivery=delivery_policy(settings),
    )
    report = await sync_questions(ctx, now=utc_now())
    log.info("question bank: %s added, %s updated, %s retired", *vars(report).values())
    return ctx


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
    """A running platform connection (Slack, Discord) as the bootstrap sees it."""

    name: str
    messenger: Messenger

    async def start(self) -> None:
        """Connect and begin handling events; return once ready."""
        ...

    async def wait_closed(self) -> None:
        """Return when the connection has ended."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...


def create_adapter(name: str, ctx: AppContext, settings: Settings) -> PlatformAdapter:
    """Build the adapter for a platform; each platform module is imported only when used."""
    if name == "slack":
        from scalebot.platforms.slack import create_adapter as create_slack

        return create_slack(ctx, settings)
    if name == "discord":
        from scalebot.platforms.discord import create_adapter as create_discord

        return create_discord(ctx, settings)
    raise SettingsError(f"SCALEBOT_PLATFORM: unknown platform '{name}'")


async def run_bot(settings: Settings, platforms: list[str]) -> None:
    """Run platform adapters, the scheduler and the database in one event loop until stopped."""
    ctx = await build_context(settings)
    adapters = [create_adapter(name, ctx, settings) for name in platforms]
    ctx.messengers = {adapter.name: adapter.messenger for adapter in adapters}
    scheduler = RoundScheduler(ctx)
    try:
        for adapter in adapters:
            await adapter.start()
        await scheduler.start()
        await asyncio.gather(*(adapter.wait_closed() for adapter in adapters))
    finally:
        scheduler.shutdown()
        for adapter in adapters:
            await adapter.stop()
        await ctx.db.dispose()
