"""channel question filters and skipped dates

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:40:00

A channel may ask only some topics and difficulties (NULL = all), and skip local dates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Plain ADD COLUMNs: on SQLite a batch copy of channels would cascade-delete its rounds.
    op.add_column("channels", sa.Column("topics", sa.Text(), nullable=True))
    op.add_column("channels", sa.Column("difficulties", sa.String(32), nullable=True))
    op.create_table(
        "skipped_dates",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_skipped_dates_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", "day", name=op.f("pk_skipped_dates")),
    )
    op.create_index(op.f("ix_skipped_dates_day"), "skipped_dates", ["day"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_skipped_dates_day"), table_name="skipped_dates")
    op.drop_table("skipped_dates")
    op.drop_column("channels", "difficulties")
    op.drop_column("channels", "topics")
