"""index the longest-streak board and let members hide from boards

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:10:00

streaks gain longest_at (when the longest streak was reached: the longest board's tie-break)
and hidden; point_totals copy hidden. Each board index ends with hidden, so a member's board
skips hidden rows inside the index and an admin's board reads the same index in order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STREAK_BOARD = ["channel_id", "current", "points", "reached_at", "user_id"]
_LONGEST_BOARD = ["channel_id", "longest", "points", "longest_at", "user_id", "hidden"]
_POINTS_BOARD = ["channel_id", "period", "starts_on", "points", "first_at", "user_id"]


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("streaks") as batch:
        batch.add_column(sa.Column("longest_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Exact when the streak is at its longest now; otherwise the best time still known.
    op.execute("UPDATE streaks SET longest_at = reached_at")
    with op.batch_alter_table("streaks") as batch:
        batch.alter_column("longest_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.drop_index("ix_streaks_board")
        batch.create_index("ix_streaks_board", [*_STREAK_BOARD, "hidden"], unique=False)
        batch.create_index("ix_streaks_longest", _LONGEST_BOARD, unique=False)
    with op.batch_alter_table("point_totals") as batch:
        batch.add_column(
            sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.drop_index("ix_point_totals_board")
        batch.create_index("ix_point_totals_board", [*_POINTS_BOARD, "hidden"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("point_totals") as batch:
        batch.drop_index("ix_point_totals_board")
        batch.create_index("ix_point_totals_board", _POINTS_BOARD, unique=False)
        batch.drop_column("hidden")
    with op.batch_alter_table("streaks") as batch:
        batch.drop_index("ix_streaks_longest")
        batch.drop_index("ix_streaks_board")
        batch.create_index("ix_streaks_board", _STREAK_BOARD, unique=False)
        batch.drop_column("hidden")
        batch.drop_column("longest_at")
