"""points seasons an admin starts per channel

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:25:00

A season's totals are point_totals rows with period 'season', keyed by its first local day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Plain ADD COLUMNs: on SQLite a batch copy of channels would cascade-delete its rounds.
    op.add_column("channels", sa.Column("season_name", sa.String(80), nullable=True))
    op.add_column("channels", sa.Column("season_started_on", sa.Date(), nullable=True))
    op.add_column("channels", sa.Column("season_start_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("channels", "season_start_seq")
    op.drop_column("channels", "season_started_on")
    op.drop_column("channels", "season_name")
