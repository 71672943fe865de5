"""the role or user group a channel's daily post pings

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:25:00

NULL (the default) pings nobody.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # A plain ADD COLUMN: on SQLite a batch copy of channels would cascade-delete its rounds.
    op.add_column("channels", sa.Column("ping", sa.String(64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("channels", "ping")
