"""keep point totals per period and index the streak board

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:40:00

Leaderboards read an index in order instead of aggregating every answer: points per member
per calendar week, calendar month and all time, and streaks zeroed once a missed round closed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first local date of each period containing a round's date, per dialect.
_PERIOD_STARTS = {
    "sqlite": {
        "week": "date(r.round_date, '-' || ((CAST(strftime('%w', r.round_date) AS INTEGER) + 6)"
        " % 7) || ' days')",
        "month": "date(r.round_date, 'start of month')",
        "all": "'1970-01-01'",
    },
    "postgresql": {
        "week": "CAST(date_trunc('week', r.round_date) AS DATE)",
        "month": "CAST(date_trunc('month', r.round_date) AS DATE)",
        "all": "DATE '1970-01-01'",
    },
}


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "point_totals",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_point_totals_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_point_totals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "channel_id", "period", "starts_on", "user_id", name=op.f("pk_point_totals")
        ),
    )
    with op.batch_alter_table("point_totals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_point_totals_board",
            ["channel_id", "period", "starts_on", "points", "first_at", "user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_point_totals_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("streaks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_streaks_board",
            ["channel_id", "current", "points", "reached_at", "user_id"],
            unique=False,
        )
    _backfill()


def _backfill() -> None:
    """Total the on-time answers already stored, and zero streaks whose missed round closed."""
    dialect = op.get_bind().dialect.name
    on_time = "false" if dialect == "postgresql" else "0"
    for period, start in _PERIOD_STARTS[dialect].items():
        op.execute(
            "INSERT INTO point_totals (channel_id, period, starts_on, user_id, points, first_at) "
            f"SELECT r.channel_id, '{period}', {start}, a.user_id, SUM(a.points), "
            "MIN(a.created_at) FROM answers a JOIN rounds r ON r.id = a.round_id "
            f"WHERE a.late = {on_time} GROUP BY r.channel_id, {start}, a.user_id"
        )
    op.execute(
        "UPDATE streaks SET current = 0 WHERE current > 0 AND last_round_seq < "
        "(SELECT c.round_count - 1 FROM channels c WHERE c.id = streaks.channel_id)"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("streaks", schema=None) as batch_op:
        batch_op.drop_index("ix_streaks_board")
    with op.batch_alter_table("point_totals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_totals_user_id"))
        batch_op.drop_index("ix_point_totals_board")
    op.drop_table("point_totals")
