"""share request budgets between processes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:45:00

One row per rate limit (Discord's global limit, a Slack workspace): the next free request slot,
so every process of the bot paces against one budget.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "rate_budgets",
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_rate_budgets")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("rate_budgets")
