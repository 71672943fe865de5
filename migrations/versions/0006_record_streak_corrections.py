"""record admins' streak corrections

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:20:00

One row per `/scale admin streak`: who, when, why, and the streak before and after; `undo`
marks the row undone and keeps it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "streak_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("admin_id", sa.String(length=64), nullable=False),
        sa.Column("admin_name", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_current", sa.Integer(), nullable=False),
        sa.Column("new_current", sa.Integer(), nullable=False),
        sa.Column("old_longest", sa.Integer(), nullable=False),
        sa.Column("new_longest", sa.Integer(), nullable=False),
        sa.Column("old_last_round_seq", sa.Integer(), nullable=True),
        sa.Column("new_last_round_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_streak_corrections_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_streak_corrections_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streak_corrections")),
    )
    with op.batch_alter_table("streak_corrections") as batch:
        batch.create_index(
            "ix_streak_corrections_channel", ["channel_id", "undone_at", "id"], unique=False
        )
        batch.create_index(batch.f("ix_streak_corrections_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("streak_corrections")
