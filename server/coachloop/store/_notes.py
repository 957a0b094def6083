"""Coaching notes in the manager's queue, and their review."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

import msgspec
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachloop.coaching import NOTE_STATES, check_transition
from coachloop.coaching._lifecycle import Action
from coachloop.config import TierConfig
from coachloop.document import Note
from coachloop.errors import BadRequest, NotFound
from coachloop.records import FlagOut, NoteEditOut, NoteOut, QueueOut
from coachloop.scoring import LABELS
from coachloop.store._org import get_manager
from coachloop.store._tables import Flag, NoteEdit, NoteRow, from_db


def get_note(s: Session, note_id: str) -> NoteRow:
    row = s.get(NoteRow, note_id)
    if row is None:
        raise NotFound(f"note {note_id!r} does not exist")
    return row


def act(
    s: Session,
    note_id: str,
    action: Action,
    *,
    by: str,
    now: datetime,
    text: str | None = None,
    reason: str | None = None,
) -> NoteRow:
    """Apply one lifecycle action; every text change is kept as an edit."""
    row = s.get(NoteRow, note_id, with_for_update=True)
    if row is None:
        raise NotFound(f"note {note_id!r} does not exist")
    new_state = check_transition(note_id, row.state, action)
    if text is not None and text != row.text:
        row.edits.append(NoteEdit(author=by, at=now, before=row.text, after=text))
        row.text = text
    if action == "approve":
        row.approved_at, row.approved_by = now, by
    elif action == "send":
        row.sent_at = now
    elif action == "acknowledge":
        row.acknowledged_at = now
    elif action == "dismiss":
        row.dismissed_at, row.dismissed_by, row.dismiss_reason = now, by, reason
    row.state = new_state
    s.flush()
    return row


def note_out(row: NoteRow, now: datetime, config: TierConfig) -> NoteOut:
    """``now`` is naive UTC, as stored."""
    ended = row.sent_at or (row.dismissed_at if row.state == "dismissed" else None)
    until = ended or now
    age = (until - row.call_time).total_seconds() / 3600
    target = timedelta(hours=config.delivery_target_hours)
    if row.sent_at is not None:
        within: bool | None = row.sent_at - row.call_time <= target
    elif row.state != "dismissed" and now - row.call_time > target:
        within = False
    else:
        within = None
    draft = msgspec.convert(row.draft, Note)
    return NoteOut(
        id=row.note_id,
        call_id=row.call_id,
        agent_id=row.agent_id,
        manager_id=row.manager_id,
        criterion_id=row.criterion_id,
        criterion_name=row.criterion_name,
        tier=row.tier_level,
        tier_label=LABELS[row.tier_level],
        call_time=from_db(row.call_time),
        due_by=from_db(row.due_by),
        state=row.state,  # type: ignore[arg-type]
        text=row.text,
        excerpt=draft.excerpt,
        draft=draft,
        edits=[
            NoteEditOut(
                author=e.author, at=from_db(e.at), before=e.before, after=e.after
            )
            for e in row.edits
        ],
        created_at=from_db(row.created_at),
        approved_at=_aware(row.approved_at),
        approved_by=row.approved_by,
        sent_at=_aware(row.sent_at),
        acknowledged_at=_aware(row.acknowledged_at),
        dismissed_at=_aware(row.dismissed_at),
        dismissed_by=row.dismissed_by,
        dismiss_reason=row.dismiss_reason,
        age_hours=round(age, 2),
        overdue=row.state != "dismissed" and until > row.due_by,
        within_target=within,
    )


def queue(
    s: Session,
    manager_id: str,
    states: Collection[str],
    now: datetime,
    config: TierConfig,
) -> QueueOut:
    bad = sorted(set(states) - set(NOTE_STATES))
    if bad or not states:
        raise BadRequest(
            f"note states are {', '.join(NOTE_STATES)}; "
            f"got {', '.join(states) or 'none'}"
        )
    manager = get_manager(s, manager_id)
    rows = s.scalars(
        sa.select(NoteRow)
        .where(NoteRow.manager_id == manager_id, NoteRow.state.in_(list(states)))
        .order_by(NoteRow.tier_level, NoteRow.due_by, NoteRow.created_at)
    )
    flags = s.scalars(
        sa.select(Flag)
        .where(Flag.manager_id == manager_id, Flag.resolved_at.is_(None))
        # Escalations, then reviews, then "adjust the approach"; newest first.
        .order_by(
            sa.case(
                (Flag.kind == "escalation", 0), (Flag.kind == "review", 1), else_=2
            ),
            Flag.raised_at.desc(),
        )
    )
    return QueueOut(
        manager_id=manager.manager_id,
        name=manager.name,
        as_of=from_db(now),
        notes=[note_out(r, now, config) for r in rows],
        flags=[flag_out(f) for f in flags],
    )


def flag_out(row: Flag) -> FlagOut:
    return FlagOut(
        id=row.flag_id,
        kind=row.kind,  # type: ignore[arg-type]
        agent_id=row.agent_id,
        plan_id=row.plan_id,
        call_id=row.call_id,
        criterion_id=row.criterion_id,
        raised_at=from_db(row.raised_at),
        message=row.message,
        details=row.details,
    )


def _aware(value: datetime | None) -> datetime | None:
    return from_db(value) if value is not None else None
