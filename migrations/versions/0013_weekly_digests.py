"""weekly digests: a channel switch and the once-a-week claim

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:10:00

The first round of each week claims that week's digest row; its primary key makes it once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # A plain ADD COLUMN: on SQLite a batch copy of channels would cascade-delete its rounds.
    op.add_column(
        "channels",
        sa.Column("digest_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "weekly_digests",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("week_starts_on", sa.Date(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_weekly_digests_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_weekly_digests_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", "week_starts_on", name=op.f("pk_weekly_digests")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("weekly_digests")
    op.drop_column("channels", "digest_enabled")
