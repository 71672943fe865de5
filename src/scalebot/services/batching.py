"""Write many callers' small changes in one transaction: a fan-out claims rounds in batches."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from scalebot.db.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
# Enough to amortise a transaction; small enough that one batch holds the write lock briefly.
MAX_BATCH = 64


class WriteBatcher(Generic[T, R]):
    """Runs `write_many` over callers' items, many items to one write transaction.

    Callers that arrive while a batch is being written wait for the next one, so under load
    batches grow by themselves and a lone caller waits for no one. Items are written in the
    order of `key` (rows are locked in one order, so two processes' batches cannot deadlock).
    When a batch fails, every item in it is written again in a transaction of its own, so one
    item's error (a concurrent claim of the same round) reaches only its own caller.
    `write_many` gets the batch's items in order and returns one result per item: it may read
    and write the whole batch with a few set-based statements; a lone item is a batch of one.
    """

    def __init__(
        self,
        open_write: Callable[[], Any],
        write_many: Callable[[Repository, list[T]], Awaitable[list[R]]],
        *,
        key: Callable[[T], Any],
        max_batch: int = MAX_BATCH,
    ) -> None:
        """Batch `write_many` over the transactions `open_write()` opens."""
        self._open_write = open_write
        self._write_many = write_many
        self._key = key
        self._max = max_batch
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def write(self, item: T) -> R:
        """Write one item with whatever batch it joins; return its own result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._worker is None:
            # A fresh context: the worker must not inherit a caller's open transaction.
            self._worker = asyncio.get_running_loop().create_task(
                self._drain(), context=contextvars.Context()
            )
        return await future

    async def _drain(self) -> None:
        """Write pending items batch after batch until none are left."""
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._pending:
                await asyncio.sleep(0)  # callers woken in this same tick join the batch
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                batch.sort(key=lambda entry: self._key(entry[0]))
                await self._write_batch(batch)
        finally:
            self._worker = None
            # Only when the worker itself was cancelled is anything left unanswered.
            for _, future in batch + self._pending:
                future.cancel()
            self._pending = []

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        """Write a batch in one transaction, or item by item when that fails."""
        if len(batch) > 1:
            try:
                async with self._open_write() as repo:
                    results = await self._write_many(repo, [item for item, _ in batch])
            except Exception as exc:
                log.info("a batch of %s writes failed (%r); one by one now", len(batch), exc)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
                return
        for item, future in batch:
            await self._write_alone(item, future)

    async def _write_alone(self, item: T, future: asyncio.Future[R]) -> None:
        """Write one item in its own transaction and hand its result or error to its caller."""
        try:
            async with self._open_write() as repo:
                [result] = await self._write_many(repo, [item])
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
        else:
            if not future.done():
                future.set_result(result)


def each(
    write_one: Callable[[Repository, T], Awaitable[R]],
) -> Callable[[Repository, list[T]], Awaitable[list[R]]]:
    """A `write_many` that writes the items one after another with `write_one`."""

    async def write_many(repo: Repository, items: list[T]) -> list[R]:
        return [await write_one(repo, item) for item in items]

    return write_many
