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


async def test_upgrade_totals_existing_answers_and_zeroes_broken_streaks(
    db_target: DatabaseTarget,
) -> None:
    database = Database.from_url(db_target.url, **db_target.options)
    try:
        await migrate.upgrade(database, "0002")
        async with database.engine.begin() as connection:
            await connection.run_sync(_insert_answers_of_two_weeks)
        await migrate.upgrade(database)
        async with database.engine.connect() as connection:
            totals = await connection.exec_driver_sql(
                "SELECT period, starts_on, user_id, points FROM point_totals "
                "ORDER BY period, starts_on, user_id"
            )
            rows = [(p, str(s), u, pts) for p, s, u, pts in map(tuple, totals)]
            streaks = await connection.exec_driver_sql(
                "SELECT user_id, current, longest FROM streaks ORDER BY user_id"
            )
            streak_rows = [tuple(row) for row in streaks]
    finally:
        await database.dispose()
    # Round 1 on Sunday 2026-03-08 and round 2 on Monday 2026-03-09; user 2's answer is late.
    assert rows == [
        ("all", "1970-01-01", 1, 150),
        ("all", "1970-01-01", 2, 40),
        ("month", "2026-03-01", 1, 150),
        ("month", "2026-03-01", 2, 40),
        ("week", "2026-03-02", 1, 70),
        ("week", "2026-03-02", 2, 40),
        ("week", "2026-03-09", 1, 80),
    ]
    # The channel's open round is 3: user 1 answered round 2 (alive), user 2 only round 1.
    assert streak_rows == [(1, 2, 2), (2, 0, 1)]


def _insert_answers_of_two_weeks(connection: Connection) -> None:
    """Store a channel with three rounds, two members and their answers (schema 0002)."""
    at = "'2026-03-09 09:00:00+00:00'"
    statements = [
        "INSERT INTO workspaces (id, platform, external_id, created_at)"
        f" VALUES (1, 't', 'W', {at})",
        "INSERT INTO channels (id, workspace_id, external_id, post_time, days, timezone, state,"
        f" round_count, enrolled_at, updated_at) VALUES (1, 1, 'C', '09:00:00', 'daily', 'UTC',"
        f" 'active', 3, {at}, {at})",
        f"INSERT INTO users (id, workspace_id, external_id, display_name, created_at) VALUES"
        f" (1, 1, 'U1', 'One', {at}), (2, 1, 'U2', 'Two', {at})",
        "INSERT INTO questions (id, version, content_hash, content, retired, synced_at) VALUES"
        f" ('q', 1, 'h', '{{}}', false, {at})",
        "INSERT INTO rounds (id, channel_id, round_date, seq, question_id, question_version,"
        f" status, claimed_at) VALUES (1, 1, '2026-03-08', 1, 'q', 1, 'closed', {at}),"
        f" (2, 1, '2026-03-09', 2, 'q', 1, 'closed', {at}),"
        f" (3, 1, '2026-03-10', 3, 'q', 1, 'posted', {at})",
        "INSERT INTO answers (round_id, user_id, text, score, points, covered, grader_version,"
        " revision, late, created_at, updated_at) VALUES"
        f" (1, 1, 'a', 70, 70, '{{}}', 'g', 1, false, {at}, {at}),"
        f" (1, 2, 'b', 40, 40, '{{}}', 'g', 1, false, {at}, {at}),"
        f" (2, 1, 'c', 80, 80, '{{}}', 'g', 1, false, {at}, {at}),"
        f" (2, 2, 'd', 90, 0, '{{}}', 'g', 1, true, {at}, {at})",
        "INSERT INTO streaks (channel_id, user_id, current, longest, last_round_seq, points,"
        f" reached_at) VALUES (1, 1, 2, 2, 2, 150, {at}), (1, 2, 1, 1, 1, 40, {at})",
    ]
    for statement in statements:
        connection.exec_driver_sql(statement)


def test_every_migration_file_has_its_own_revision_and_the_chain_has_one_head() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    files = sorted(p.name for p in migrate.migrations_dir().joinpath("versions").glob("0*.py"))
    revisions = [script.revision for script in scripts.walk_revisions()]
    assert len(revisions) == len(files), f"two files share a revision id: {files}"
    assert scripts.get_heads() == [max(revisions)]
    # Each file's number is its revision, so a clash shows up in the file names too.
    assert [name[:4] for name in files] == sorted(revisions)
