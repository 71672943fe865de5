"""streak freezes: held per member, switchable per channel

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:30:00

A member earns a freeze every 7 consecutive rounds answered (at most 2); a missed round spends
one instead of breaking the streak, and freezes_unseen counts those the member was not told of.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # A plain ADD COLUMN: on SQLite a batch copy of channels would cascade-delete its rounds.
    op.add_column(
        "channels",
        sa.Column("freezes_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    with op.batch_alter_table("streaks") as batch:
        batch.add_column(sa.Column("freezes", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("freezes_unseen", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("streaks") as batch:
        batch.drop_column("freezes_unseen")
        batch.drop_column("freezes")
    op.drop_column("channels", "freezes_enabled")
