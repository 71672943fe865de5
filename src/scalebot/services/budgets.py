"""Request budgets every process of the bot shares (Discord's global limit, Slack workspaces)."""

from __future__ import annotations

from scalebot.db.engine import Database
from scalebot.db.repository import Repository
from scalebot.services.context import AppContext


class SharedBudgets:
    """The budgets in one database: what a platform's pacer reserves its request slots from.

    It needs only the database, so an adapter's messenger can pace before the context exists.
    """

    def __init__(self, db: Database) -> None:
        """Reserve in `db`."""
        self.db = db

    async def reserve(
        self, *, bucket: str, count: int, interval: float, wait: float = 0.0
    ) -> float:
        """Reserve request slots in a shared bucket; return the seconds until the first one."""
        async with self.db.session(write=True) as session:
            return await Repository(session).reserve_slots(
                bucket=bucket, count=count, interval=interval, wait=wait
            )


async def reserve_slots(
    ctx: AppContext, *, bucket: str, count: int, interval: float, wait: float = 0.0
) -> float:
    """Reserve request slots in a shared bucket; return the seconds until the first one."""
    return await SharedBudgets(ctx.db).reserve(
        bucket=bucket, count=count, interval=interval, wait=wait
    )
