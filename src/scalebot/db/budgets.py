"""Shared request budgets: one atomic UPSERT hands out the next request slots of a bucket."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The database's clock, so that every process (on every machine) measures slots the same way.
_NOW = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgresql": "extract(epoch from clock_timestamp())::float8",
}
_LATER = {"sqlite": "max", "postgresql": "greatest"}


def _reserve_sql(dialect: str) -> str:
    now, later = _NOW[dialect], _LATER[dialect]
    return (
        f"INSERT INTO rate_budgets (bucket, next_at) VALUES (:bucket, {now} + :wait + :span) "
        f"ON CONFLICT (bucket) DO UPDATE SET next_at = "
        f"{later}(rate_budgets.next_at, {now} + :wait) + :span "
        f"RETURNING next_at - :span - {now}"
    )


_RESERVE = {dialect: text(_reserve_sql(dialect)) for dialect in _NOW}


async def reserve_slots(
    *, session: AsyncSession, bucket: str, count: int, interval: float, wait: float = 0.0
) -> float:
    """Take `count` slots `interval` s apart, none sooner than `wait` s; return s to the first."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    values = {"bucket": bucket, "span": count * interval, "wait": wait}
    delay = (await session.execute(_RESERVE[dialect], values)).scalar_one()
    return max(0.0, float(delay))
