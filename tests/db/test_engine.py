"""SQLite is tuned for one writer: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE writers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from scalebot.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database, DatabaseUrlError, async_url
from scalebot.db.models import Base


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg"),
    ],
)
def test_urls_get_the_async_driver(url: str, driver: str) -> None:
    assert async_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense", "oracle://x"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        async_url(url)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    database = Database.from_url(f"sqlite:///{tmp_path}/tuned.db")
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return database


async def test_sqlite_pragmas(sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        busy = (await session.execute(text("PRAGMA busy_timeout"))).scalar()
        assert busy == SQLITE_BUSY_TIMEOUT_MS
    await sqlite_db.dispose()


async def test_foreign_keys_are_enforced(sqlite_db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        async with sqlite_db.session(write=True) as session:
            await session.execute(
                text(
                    "INSERT INTO users (workspace_id, external_id, display_name, created_at) "
                    "VALUES (999, 'u', 'U', '2026-01-01')"
                )
            )
    await sqlite_db.dispose()


async def test_writers_take_the_lock_up_front(sqlite_db: Database) -> None:
    """A second writer waits for the first instead of failing mid-transaction."""
    order: list[str] = []
    first_has_lock = asyncio.Event()

    async def first() -> None:
        async with sqlite_db.session(write=True) as session:
            first_has_lock.set()
            order.append("first-begin")
            await asyncio.sleep(0.3)
            await session.execute(
                text(
                    "INSERT INTO processed_events "
                    "(platform, event_id, received_at) "
                    "VALUES ('t', 'a', '2026-01-01')"
                )
            )
            order.append("first-commit")

    async def second() -> None:
        await first_has_lock.wait()
        async with sqlite_db.session(write=True) as session:
            order.append("second-begin")
            await session.execute(
                text(
                    "INSERT INTO processed_events "
                    "(platform, event_id, received_at) "
                    "VALUES ('t', 'b', '2026-01-01')"
                )
            )

    await asyncio.gather(first(), second())
    assert order == ["first-begin", "first-commit", "second-begin"]
    async with sqlite_db.session() as session:
        count = (await session.execute(text("SELECT count(*) FROM processed_events"))).scalar()
    assert count == 2
    await sqlite_db.dispose()


async def test_failed_transaction_rolls_back(sqlite_db: Database) -> None:
    async def insert_then_fail() -> None:
        async with sqlite_db.session(write=True) as session:
            await session.execute(
                text(
                    "INSERT INTO processed_events (platform, event_id, received_at) "
                    "VALUES ('t', 'x', '2026-01-01')"
                )
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await insert_then_fail()
    async with sqlite_db.session() as session:
        count = (await session.execute(text("SELECT count(*) FROM processed_events"))).scalar()
    assert count == 0
    await sqlite_db.dispose()
