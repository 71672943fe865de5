"""Alembic owns the schema: head matches the models on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from scalebot.db import migrate
from scalebot.db.engine import Database
from scalebot.db.models import Base
from tests.conftest import DatabaseTarget

EXPECTED_TABLES = {
    "workspaces",
    "channels",
    "users",
    "questions",
    "rounds",
    "answers",
    "streaks",
    "processed_events",
}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_empty_database_to_head_matches_models(db_target: DatabaseTarget) -> None:
    database = Database.from_url(db_target.url, **db_target.options)
    try:
        assert await migrate.current_revision(database) is None
        await migrate.upgrade(database)
        assert await migrate.current_revision(database) == migrate.head_revision()
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) >= EXPECTED_TABLES
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()


async def test_upgrade_twice_is_harmless_and_downgrade_empties(db_target: DatabaseTarget) -> None:
    database = Database.from_url(db_target.url, **db_target.options)
    try:
        await migrate.upgrade(database)
        await migrate.upgrade(database)
        await migrate.downgrade(database, "base")
        async with database.engine.connect() as connection:
            assert not (EXPECTED_TABLES & await connection.run_sync(_tables))
    finally:
        await database.dispose()


def test_migrations_folder_is_found_from_the_checkout() -> None:
    folder = migrate.migrations_dir()
    assert (folder / "env.py").is_file()
    assert any((folder / "versions").glob("*.py"))
