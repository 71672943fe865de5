"""Engine and session setup: URL normalisation, SQLite pragmas, short write transactions."""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
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
SQLITE_POOL_SIZE = 5
SQLITE_POOL_OVERFLOW = 15
# Set while this task holds the SQLite write lock: a nested writer would wait on itself.
_writing: ContextVar[bool] = ContextVar("scalebot_writing", default=False)


# Errors that a later retry may not see: the database was down, locked or unreachable.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (DBAPIError, OSError)


class DatabaseUrlError(ValueError):
    """The database URL cannot be used."""


class DatabaseInUse(RuntimeError):
    """Another process already serves this SQLite file."""


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


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once (it stays so); another connection may be switching it now."""
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() == "wal":
        return
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception as exc:  # the driver's OperationalError: locked by the one switching it
        if "locked" not in str(exc):
            raise


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Turn on WAL, foreign keys and a busy timeout; writers take the lock up front."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: WAL may wait
        _use_wal(cursor)
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
    # Errors then never carry statement parameters (answer texts, names) into the logs.
    options.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        # Pooled: the pragmas run once per connection, not once per transaction.
        options.setdefault("pool_size", SQLITE_POOL_SIZE)
        options.setdefault("max_overflow", SQLITE_POOL_OVERFLOW)
        engine = create_async_engine(parsed, **options)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True, **options)


class Database:
    """Hands out short read and write sessions; each `write()` block is one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        """Wrap an engine."""
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time: writers in this process queue here, not in
        # busy_timeout, so "database is locked" never reaches a member.
        self._write_lock = asyncio.Lock()
        self._lock_file: int | None = None

    @classmethod
    def from_url(cls, url: str, **options: Any) -> Database:
        """Create a database for a URL."""
        return cls(create_engine(url, **options))

    @property
    def is_sqlite(self) -> bool:
        """Tell whether this is SQLite."""
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL and in-memory databases."""
        name = self.engine.url.database
        if not self.is_sqlite or not name or name == ":memory:":
            return None
        return Path(name).resolve()

    def lock_exclusively(self) -> None:
        """Refuse a second process on the same SQLite file (a lock file held while we run)."""
        path = self.sqlite_path
        if path is None or self._lock_file is not None:
            return
        descriptor = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise DatabaseInUse(
                f"another scalebot process is using {path}; one process per SQLite file: "
                "to run several, point SCALEBOT_DATABASE_URL at PostgreSQL"
            ) from None
        self._lock_file = descriptor

    @asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """Open a session in one transaction, committed on success and rolled back on error."""
        if write and self.is_sqlite:
            if _writing.get():
                raise RuntimeError("a write transaction inside a write transaction")
            async with self._write_lock:
                token = _writing.set(True)
                try:
                    async with self._transaction(write=True) as session:
                        yield session
                finally:
                    _writing.reset(token)
            return
        async with self._transaction(write=write) as session:
            yield session

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[AsyncSession]:
        """One session, one transaction."""
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
        """Close pooled connections and give up the SQLite file."""
        await self.engine.dispose()
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None
