"""channel and member languages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00

Each channel speaks one language (public posts); a member may choose their own for private
replies (NULL = automatic: the platform's locale, else the channel's language).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Plain ADD COLUMNs: on SQLite a batch copy of channels or users would cascade-delete
    # their rounds, answers and streaks.
    op.add_column(
        "channels", sa.Column("language", sa.String(8), server_default="en", nullable=False)
    )
    op.add_column("users", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("users", "language")
    op.drop_column("channels", "language")
