"""Scratch databases for benchmarks: a temporary SQLite file or a fresh PostgreSQL schema."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from scalebot.db import migrate
from scalebot.db.engine import Database, async_url


@asynccontextmanager
async def scratch_database(url: str | None) -> AsyncIterator[Database]:
    """Yield a migrated, empty database that is removed afterwards.

    No URL (or a sqlite: URL) means a new SQLite file in a temporary folder; a PostgreSQL URL
    gets a schema of its own, dropped at the end, so the bench never touches existing tables.
    """
    if url is None or async_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="scalebot-bench-") as folder:
            database = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
            async with _migrated(database) as ready:
                yield ready
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = Database.from_url(url)
    async with admin.engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    options = {"connect_args": {"server_settings": {"search_path": schema}}}
    try:
        async with _migrated(Database.from_url(url, **options)) as ready:
            yield ready
    finally:
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


@asynccontextmanager
async def _migrated(database: Database) -> AsyncIterator[Database]:
    """Upgrade a database to head, and dispose of it when done."""
    try:
        await migrate.upgrade(database)
        yield database
    finally:
        await database.dispose()
