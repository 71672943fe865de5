"""Run Alembic from code, from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from scalebot.db.engine import WRITE_OPTION, Database


def migrations_dir() -> Path:
    """Find the migrations: packaged in the wheel, or at the top of the checkout."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "_migrations", here.parents[3] / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("scalebot's migrations folder is missing from this installation")


def alembic_config(url: str = "") -> Config:
    """Build an Alembic config without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """Return the newest revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# Held while one process migrates or syncs, so processes starting together take turns.
STARTUP_LOCK = 0x5CA1EB07


def serialize_startup(connection: Connection) -> None:
    """Wait for other starting processes; the turn lasts until this transaction ends.

    PostgreSQL takes an advisory lock; on SQLite the first statement of a writer's
    transaction (BEGIN IMMEDIATE) takes the database's write lock.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({STARTUP_LOCK})")
    else:
        connection.exec_driver_sql("SELECT 1")


def _upgrade(connection: Connection, target: str) -> None:
    serialize_startup(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)


def _downgrade(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, target)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(database: Database, target: str = "head") -> None:
    """Upgrade the schema to a revision (head by default)."""
    async with database.engine.connect() as connection:
        # A writer from the start: SQLite processes upgrading together then wait their turn.
        await connection.execution_options(**{WRITE_OPTION: True})
        await connection.run_sync(_upgrade, target)
        await connection.commit()


async def downgrade(database: Database, target: str) -> None:
    """Downgrade the schema to a revision ("base" empties it)."""
    async with database.engine.connect() as connection:
        await connection.run_sync(_downgrade, target)
        await connection.commit()


async def current_revision(database: Database) -> str | None:
    """Return the revision the database is at, or None when it is empty."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)
