"""The coaching store's tables (SQLAlchemy 2 declarative mapping).

Changing a table means adding an Alembic revision in ``migrations/versions``;
a test compares these classes with the migrated schema.

Times are stored as naive UTC: SQLite has no time zone type, and PostgreSQL
``timestamp without time zone`` then reads back the same values. The store's
functions convert at the boundary (:func:`to_db`, :func:`from_db`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads a class attribute
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(),
        date: Date(),
        str: String(200),
    }


def to_db(value: datetime) -> datetime:
    """Naive UTC; a naive input is taken as UTC already (as callers' times are)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


class Manager(Base):
    __tablename__ = "managers"

    manager_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    created_at: Mapped[datetime]


class Team(Base):
    __tablename__ = "teams"

    team_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.manager_id"))
    created_at: Mapped[datetime]


class Agent(Base):
    __tablename__ = "agents"

    agent_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str | None]
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.team_id"), index=True)
    hire_date: Mapped[date | None]
    created_at: Mapped[datetime]


class Call(Base):
    __tablename__ = "calls"

    call_id: Mapped[str] = mapped_column(primary_key=True)
    """The caller's id; a second request with it returns this row."""
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("agents.agent_id"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(index=True)
    """Call time: every history rule uses it, never the receipt time."""
    received_at: Mapped[datetime]
    call_type: Mapped[str | None]
    rubric_id: Mapped[str]
    rubric_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    duration: Mapped[float] = mapped_column(Float)
    tier_level: Mapped[int | None]
    tier_label: Mapped[str]
    tier_reasons: Mapped[list[Any]]
    due_by: Mapped[datetime | None]
    document: Mapped[dict[str, Any]]
    """The whole result document as first returned (with note ids)."""

    utterances: Mapped[list[Utterance]] = relationship(
        order_by="Utterance.position", cascade="all, delete-orphan"
    )
    results: Mapped[list[CriterionRow]] = relationship(
        order_by="CriterionRow.position", cascade="all, delete-orphan"
    )


class Utterance(Base):
    """The transcript, one row per utterance on the call's timeline."""

    __tablename__ = "utterances"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id"), index=True)
    position: Mapped[int]
    utterance_id: Mapped[str] = mapped_column(String(40))
    speaker: Mapped[str] = mapped_column(String(20))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


class CriterionRow(Base):
    """One criterion's result on one call: the scorecard, row by row."""

    __tablename__ = "criterion_results"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id"), index=True)
    position: Mapped[int]
    criterion_id: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    category: Mapped[str]
    status: Mapped[str] = mapped_column(String(20))
    earned: Mapped[float] = mapped_column(Float)
    possible: Mapped[float] = mapped_column(Float)
    points: Mapped[float] = mapped_column(Float)
    auto_fail: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)

    evidence: Mapped[list[EvidenceRow]] = relationship(
        order_by="EvidenceRow.position", cascade="all, delete-orphan"
    )


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("criterion_results.id"), index=True
    )
    position: Mapped[int]
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    speaker: Mapped[str | None] = mapped_column(String(20))
    quote: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    utterance_ids: Mapped[list[Any]]


class NoteRow(Base):
    __tablename__ = "notes"

    note_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id"), index=True)
    agent_id: Mapped[str | None] = mapped_column(index=True)
    manager_id: Mapped[str | None] = mapped_column(
        ForeignKey("managers.manager_id"), index=True
    )
    """The agent's team manager when the call was stored; ``None`` = unrouted."""
    criterion_id: Mapped[str]
    criterion_name: Mapped[str]
    tier_level: Mapped[int]
    call_time: Mapped[datetime]
    due_by: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    draft: Mapped[dict[str, Any]]
    """The note as drafted (the document's ``Note``), never edited."""
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None]
    sent_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    dismissed_at: Mapped[datetime | None]
    dismissed_by: Mapped[str | None]
    dismiss_reason: Mapped[str | None] = mapped_column(Text)

    edits: Mapped[list[NoteEdit]] = relationship(
        order_by="NoteEdit.id", cascade="all, delete-orphan"
    )


class NoteEdit(Base):
    __tablename__ = "note_edits"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    note_id: Mapped[str] = mapped_column(ForeignKey("notes.note_id"), index=True)
    author: Mapped[str]
    at: Mapped[datetime]
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)


class Plan(Base):
    __tablename__ = "plans"

    plan_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.agent_id"), index=True)
    created_at: Mapped[datetime]
    starts_at: Mapped[datetime]
    """Calls at or after this call time are the window; before it, the baseline."""
    target: Mapped[dict[str, Any]]
    window: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]

    criteria: Mapped[list[PlanCriterion]] = relationship(
        order_by="PlanCriterion.position", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[CoachingSession]] = relationship(
        order_by="CoachingSession.held_at", cascade="all, delete-orphan"
    )


class PlanCriterion(Base):
    __tablename__ = "plan_criteria"
    __table_args__ = (UniqueConstraint("plan_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.plan_id"), index=True)
    position: Mapped[int]
    criterion_id: Mapped[str] = mapped_column(index=True)
    baseline: Mapped[dict[str, Any]]
    """Frozen when the plan is created: success is defined before the cycle."""
    verdict: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The outcome at the verdict, kept as judged."""
    adjust_flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class CoachingSession(Base):
    __tablename__ = "coaching_sessions"

    session_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.plan_id"), index=True)
    held_at: Mapped[datetime]
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id"))
    excerpt_start: Mapped[float] = mapped_column(Float)
    excerpt_end: Mapped[float] = mapped_column(Float)
    commitment: Mapped[str] = mapped_column(Text)
    """Exactly one commitment, in the agent's words."""
    recorded_by: Mapped[str | None]
    created_at: Mapped[datetime]


class Flag(Base):
    """A queue item that is not a note: "adjust the approach", escalations,
    and judge answers waiting for a human verdict."""

    __tablename__ = "flags"

    flag_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    manager_id: Mapped[str | None] = mapped_column(
        ForeignKey("managers.manager_id"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.agent_id"))
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.plan_id"))
    """The plan an adjust or escalation flag is about; ``None`` for reviews."""
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.call_id"))
    """The call a review flag asks a human verdict on."""
    criterion_id: Mapped[str]
    raised_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    """Call time of the call that raised it."""
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]]


class ManualAnswerRow(Base):
    """A person's verdict on one criterion of one call."""

    __tablename__ = "manual_answers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id"), index=True)
    criterion_id: Mapped[str]
    verdict: Mapped[str] = mapped_column(String(20))
    by: Mapped[str]
    at: Mapped[datetime]
    comment: Mapped[str | None] = mapped_column(Text)
    model_status: Mapped[str] = mapped_column(String(20))
    """What the criterion was before (needs_review, judge_error, ...)."""
