"""SQLite as SQLite should be used: one writer at a time in the process, pooled connections,
one process per file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from scalebot.app import open_database
from scalebot.db import engine as engine_module
from scalebot.db import migrate
from scalebot.db.engine import Database, DatabaseInUse
from scalebot.db.models import Base
from scalebot.settings import SettingsError, load_settings

WRITERS = 60


@pytest.fixture
async def impatient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    """A SQLite database whose connections give up at once on a lock (busy_timeout 0)."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 0)
    database = Database.from_url(f"sqlite:///{tmp_path}/writers.db")
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        await connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    yield database
    await database.dispose()


async def test_concurrent_writers_queue_in_the_process_instead_of_failing(
    impatient: Database,
) -> None:
    """Without the in-process lock, most of these fail with `database is locked` at once."""

    async def increment() -> None:
        async with impatient.session(write=True) as session:
            value = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
            await asyncio.sleep(0.001)  # other writers get their turn to try
            await session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})

    await asyncio.gather(*(increment() for _ in range(WRITERS)))
    async with impatient.session() as session:
        assert (await session.execute(text("SELECT n FROM counter"))).scalar_one() == WRITERS


async def test_reads_do_not_wait_for_the_writer(impatient: Database) -> None:
    entered = asyncio.Event()
    release = asyncio.Event()

    async def slow_writer() -> None:
        async with impatient.session(write=True) as session:
            await session.execute(text("UPDATE counter SET n = 1"))
            entered.set()
            await release.wait()

    writer = asyncio.create_task(slow_writer())
    await entered.wait()
    async with impatient.session() as session:  # WAL: the reader sees the last commit
        assert (await session.execute(text("SELECT n FROM counter"))).scalar_one() == 0
    release.set()
    await writer


async def test_a_write_inside_a_write_is_refused_not_deadlocked(impatient: Database) -> None:
    async with impatient.session(write=True):
        with pytest.raises(RuntimeError, match="inside a write"):
            async with impatient.session(write=True):
                pass


async def test_connections_are_pooled_and_pragmas_run_once_each(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path}/pooled.db")
    connects: list[Any] = []
    event.listen(database.engine.sync_engine, "connect", lambda *args: connects.append(args))
    for _ in range(50):
        async with database.session() as session:
            await session.execute(text("SELECT 1"))
    assert len(connects) == 1
    await database.dispose()


async def test_a_second_process_on_the_file_is_refused(tmp_path: Path) -> None:
    first = Database.from_url(f"sqlite:///{tmp_path}/one.db")
    second = Database.from_url(f"sqlite:///{tmp_path}/one.db")
    first.lock_exclusively()
    with pytest.raises(DatabaseInUse, match="PostgreSQL"):
        second.lock_exclusively()
    await first.dispose()
    second.lock_exclusively()  # free again once the first one is gone
    await second.dispose()


async def test_a_refused_second_process_leaves_the_schema_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/one.db"
    running = Database.from_url(url)
    await migrate.upgrade(running, "0002")
    running.lock_exclusively()  # the first process, still on the older schema
    settings = load_settings(database_url=url)
    with pytest.raises(SettingsError, match="PostgreSQL"):
        await open_database(settings)
    assert await migrate.current_revision(running) == "0002"
    await running.dispose()
