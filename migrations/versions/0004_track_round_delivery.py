"""track round delivery: lease, first send time and attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.create_index(batch.f("ix_rounds_lease_until"), ["lease_until"], unique=False)
    # Rounds claimed before this revision: let the watchdog look at them at once.
    op.execute("UPDATE rounds SET lease_until = claimed_at WHERE status = 'claimed'")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("rounds") as batch:
        batch.drop_index(batch.f("ix_rounds_lease_until"))
        batch.drop_column("attempts")
        batch.drop_column("sent_at")
        batch.drop_column("lease_until")
