"""Initial schema: org, calls, transcripts, scorecards, notes, plans, sessions.

Revision ID: 0001
Revises: (none)
Created: 2026-12-04 15:14:05.047489
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "managers",
        sa.Column("manager_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("manager_id"),
    )
    op.create_table(
        "teams",
        sa.Column("team_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("manager_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["managers.manager_id"],
        ),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "agents",
        sa.Column("agent_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.String(length=200), nullable=True),
        sa.Column("hire_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.team_id"],
        ),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agents_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "calls",
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("call_type", sa.String(length=200), nullable=True),
        sa.Column("rubric_id", sa.String(length=200), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("tier_level", sa.Integer(), nullable=True),
        sa.Column("tier_label", sa.String(length=200), nullable=False),
        sa.Column("tier_reasons", sa.JSON(), nullable=False),
        sa.Column("due_by", sa.DateTime(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.agent_id"],
        ),
        sa.PrimaryKeyConstraint("call_id"),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calls_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calls_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("window", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.agent_id"],
        ),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plans_agent_id"), ["agent_id"], unique=False
        )

    op.create_table(
        "coaching_sessions",
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("excerpt_start", sa.Float(), nullable=False),
        sa.Column("excerpt_end", sa.Float(), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
        ),
        sa.PrimaryKeyConstraint("session_id"),
    )
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coaching_sessions_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "criterion_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("earned", sa.Float(), nullable=False),
        sa.Column("possible", sa.Float(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("auto_fail", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("criterion_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterion_results_call_id"), ["call_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_criterion_results_criterion_id"),
            ["criterion_id"],
            unique=False,
        )

    op.create_table(
        "flags",
        sa.Column("flag_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("manager_id", sa.String(length=200), nullable=True),
        sa.Column("agent_id", sa.String(length=200), nullable=False),
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.agent_id"],
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["managers.manager_id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
        ),
        sa.PrimaryKeyConstraint("flag_id"),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flags_manager_id"), ["manager_id"], unique=False
        )

    op.create_table(
        "notes",
        sa.Column("note_id", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=True),
        sa.Column("manager_id", sa.String(length=200), nullable=True),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("criterion_name", sa.String(length=200), nullable=False),
        sa.Column("tier_level", sa.Integer(), nullable=False),
        sa.Column("call_time", sa.DateTime(), nullable=False),
        sa.Column("due_by", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.Column("dismissed_by", sa.String(length=200), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["managers.manager_id"],
        ),
        sa.PrimaryKeyConstraint("note_id"),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notes_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notes_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notes_manager_id"), ["manager_id"], unique=False
        )

    op.create_table(
        "plan_criteria",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("baseline", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=30), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("adjust_flagged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "criterion_id"),
    )
    with op.batch_alter_table("plan_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_criteria_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_plan_criteria_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "utterances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("utterance_id", sa.String(length=40), nullable=False),
        sa.Column("speaker", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("utterances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_utterances_call_id"), ["call_id"], unique=False
        )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("speaker", sa.String(length=20), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("utterance_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["criterion_results.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_result_id"), ["result_id"], unique=False
        )

    op.create_table(
        "note_edits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_id", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.note_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_edits_note_id"), ["note_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("note_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_edits_note_id"))

    op.drop_table("note_edits")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_result_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("utterances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_utterances_call_id"))

    op.drop_table("utterances")
    with op.batch_alter_table("plan_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_criteria_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_criteria_criterion_id"))

    op.drop_table("plan_criteria")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_manager_id"))
        batch_op.drop_index(batch_op.f("ix_notes_call_id"))
        batch_op.drop_index(batch_op.f("ix_notes_agent_id"))

    op.drop_table("notes")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flags_manager_id"))

    op.drop_table("flags")
    with op.batch_alter_table("criterion_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_results_criterion_id"))
        batch_op.drop_index(batch_op.f("ix_criterion_results_call_id"))

    op.drop_table("criterion_results")
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_sessions_plan_id"))

    op.drop_table("coaching_sessions")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_agent_id"))

    op.drop_table("plans")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_started_at"))
        batch_op.drop_index(batch_op.f("ix_calls_agent_id"))

    op.drop_table("calls")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_team_id"))

    op.drop_table("agents")
    op.drop_table("teams")
    op.drop_table("managers")
