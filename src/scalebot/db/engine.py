"""Engine and session setup: URL normalisation, SQLite pragmas, short write transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_ALIASES = {"postgres": "postgresql"}
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "scalebot_write"  # execution option: begin with BEGIN IMMEDIATE on SQLite


# Errors that a later retry may not see: the database was down, locked or unreachable.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (DBAPIError, OSError)


class DatabaseUrlError(ValueError):
    """The database URL cannot be used."""


class WriteConflict(Exception):
    """A concurrent transaction wrote the same unique key first; retrying may succeed."""


def async_url(url: str) -> URL:
    """Parse a database URL and pick the async driver (aiosqlite, asyncpg)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # The value is not echoed: a malformed URL may still hold a password.
        raise DatabaseUrlError(
            "the value is not a database URL (sqlite:///… or postgresql://…)"
        ) from None
    backend = _ALIASES.get(parsed.get_backend_name(), parsed.get_backend_name())
    if backend not in _ASYNC_DRIVERS:
        raise DatabaseUrlError(f"unsupported database '{backend}': use sqlite or postgresql")
    return parsed.set(drivername=_ASYNC_DRIVERS[backend])


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Turn on WAL, foreign keys and a busy timeout; writers take the lock up front."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: WAL may wait
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """Create an async engine for a URL, with SQLite tuned for one writer at a time."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Pooled: each connection runs the PRAGMAs once, not once per transaction.
        engine = create_async_engine(parsed, pool_pre_ping=False, **options)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True, **options)


class Database:
    """Hands out short read and write sessions; each `write()` block is one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        """Wrap an engine."""
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **options: Any) -> Database:
        """Create a database for a URL."""
        return cls(create_engine(url, **options))

    @property
    def is_sqlite(self) -> bool:
        """Tell whether this is SQLite."""
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """Open a session in one transaction, committed on success and rolled back on error."""
        async with self._sessions() as session:
            # Procuring the connection begins the transaction, with BEGIN IMMEDIATE for writers.
            await session.connection(execution_options={WRITE_OPTION: write})
            try:
                yield session
                await session.commit()
            except IntegrityError as exc:
                await session.rollback()
                raise WriteConflict(str(exc.orig)) from exc
            except BaseException:
                await session.rollback()
                raise

    async def ping(self) -> None:
        """Open a connection once, raising when the database cannot be reached."""
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def dispose(self) -> None:
        """Close pooled connections."""
        await self.engine.dispose()
