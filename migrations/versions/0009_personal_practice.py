"""personal practice: served questions, FSRS cards and practice answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:10:00

Three new tables keyed by the member; none alters a parent table (on SQLite a batch copy of
`users` would cascade-delete its children).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    """The member a row belongs to: deleted with them."""
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def _question_fk(table: str) -> sa.ForeignKeyConstraint:
    """The stored question a row is about."""
    return sa.ForeignKeyConstraint(
        ["question_id"], ["questions.id"], name=op.f(f"fk_{table}_question_id_questions")
    )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "practice_members",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("practice_members"),
        _question_fk("practice_members"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_practice_members")),
    )
    op.create_table(
        "practice_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("criterion_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        _user_fk("practice_cards"),
        _question_fk("practice_cards"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_cards")),
        sa.UniqueConstraint(
            "user_id",
            "question_id",
            "criterion_id",
            name=op.f("uq_practice_cards_user_id_question_id_criterion_id"),
        ),
    )
    op.create_index("ix_practice_cards_due", "practice_cards", ["user_id", "due"], unique=False)
    op.create_table(
        "practice_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("covered", sa.JSON(), nullable=False),
        sa.Column("grader_version", sa.String(length=32), nullable=False),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("practice_answers"),
        _question_fk("practice_answers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_answers")),
    )
    op.create_index(
        op.f("ix_practice_answers_user_id"), "practice_answers", ["user_id"], unique=False
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("practice_answers")
    op.drop_index("ix_practice_cards_due", table_name="practice_cards")
    op.drop_table("practice_cards")
    op.drop_table("practice_members")
