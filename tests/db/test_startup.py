"""Several processes starting together on one empty database: each migrates and syncs safely."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from scalebot.bank.loader import load_bank
from scalebot.db import migrate
from scalebot.db.engine import Database
from scalebot.grading.rubric import RubricGrader
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions
from tests.conftest import DatabaseTarget

PROCESSES = 4


async def test_processes_starting_together_migrate_and_sync_once(
    db_target: DatabaseTarget,
) -> None:
    databases = [Database.from_url(db_target.url, **db_target.options) for _ in range(PROCESSES)]
    try:
        await asyncio.gather(*(migrate.upgrade(database) for database in databases))
        contexts = [AppContext(db, load_bank(), RubricGrader()) for db in databases]
        now = datetime(2026, 1, 1, tzinfo=UTC)
        reports = await asyncio.gather(*(sync_questions(ctx, now=now) for ctx in contexts))
        assert sorted(report.added for report in reports) == [0] * (PROCESSES - 1) + [
            len(load_bank())
        ]
        for database in databases:
            assert await migrate.current_revision(database) == migrate.head_revision()
    finally:
        for database in databases:
            await database.dispose()
