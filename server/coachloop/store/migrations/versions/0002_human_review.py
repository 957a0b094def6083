"""Human review of judge answers: manual answers, review flags.

Revision ID: 0002
Revises: 0001
Created: 2026-12-04 16:30:49.005736
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manual_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("model_status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("manual_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_manual_answers_call_id"), ["call_id"], unique=False
        )

    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.alter_column(
            "plan_id", existing_type=sa.VARCHAR(length=40), nullable=True
        )
        batch_op.create_foreign_key(
            "fk_flags_call_id_calls", "calls", ["call_id"], ["call_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_constraint("fk_flags_call_id_calls", type_="foreignkey")
        batch_op.alter_column(
            "plan_id", existing_type=sa.VARCHAR(length=40), nullable=False
        )
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("call_id")

    with op.batch_alter_table("manual_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manual_answers_call_id"))

    op.drop_table("manual_answers")
