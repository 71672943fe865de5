"""Find every stored row that mentions a member, in every table the models declare."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Table, select

from scalebot.db.engine import Database
from scalebot.db.models import Base, User
from scalebot.domain.refs import UserRef


async def member_id(database: Database, member: UserRef) -> int:
    """The users.id of a member (looked up by their platform id and name)."""
    async with database.session() as session:
        found = await session.scalar(
            select(User.id).where(
                User.external_id == member.user_id, User.display_name == member.display_name
            )
        )
    assert found is not None, f"{member.display_name} was never stored"
    return found


async def mentions(database: Database, member: UserRef, user_id: int) -> dict[str, int]:
    """Rows per table that name the member: their users.id, platform id or display name.

    Every table in the metadata is read, so a table added later is checked without editing
    this: any column pointing at users.id must not hold `user_id`, and no text or JSON value
    may contain the member's platform id or display name.
    """
    found: dict[str, int] = {}
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            hits = sum(_mentions(table, row._mapping, member, user_id) for row in rows)
            if hits:
                found[table.name] = hits
    return found


def _mentions(table: Table, row: Any, member: UserRef, user_id: int) -> bool:
    """Whether one row names the member in any column."""
    names = (member.user_id, member.display_name)
    for column in table.columns:
        value = row[column]
        if _points_at_users(column) and value == user_id:
            return True
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        if isinstance(text, str) and any(name in text for name in names):
            return True
    return False


def _points_at_users(column: Column[Any]) -> bool:
    """Whether a column holds users.id (the key itself or a foreign key to it)."""
    if column.table.name == User.__tablename__ and column.name == "id":
        return True
    return any(key.column.table.name == User.__tablename__ for key in column.foreign_keys)
