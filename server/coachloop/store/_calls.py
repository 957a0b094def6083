"""Stored calls: the history triage reads, and saving a scored call."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import msgspec
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachloop.config import TierConfig
from coachloop.document import CriterionResult, Document, ManualAnswer, Note
from coachloop.errors import BadRequest, Conflict, NotFound
from coachloop.records import AnswerIn
from coachloop.scoring import AgentHistory, PastCall, rescore
from coachloop.store._org import manager_of
from coachloop.store._tables import (
    Agent,
    Call,
    CriterionRow,
    EvidenceRow,
    Flag,
    Manager,
    ManualAnswerRow,
    NoteRow,
    Utterance,
    from_db,
    to_db,
)

UNROSTERED = (
    "agent {agent} is not in the roster: the call is stored and triaged without "
    "tenure, and its notes wait unrouted until the agent is given a team"
)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def stored_document(call: Call) -> Document:
    return msgspec.convert(call.document, Document)


def find_call(s: Session, call_id: str) -> Call | None:
    return s.get(Call, call_id)


def get_call(s: Session, call_id: str) -> Call:
    row = s.get(Call, call_id)
    if row is None:
        raise NotFound(f"call {call_id!r} is not stored")
    return row


def agent_history(
    s: Session, agent_id: str, call_time: datetime, config: TierConfig
) -> AgentHistory:
    """The agent's stored calls in the two windows that end at ``call_time``."""
    agent = s.get(Agent, agent_id)
    span = timedelta(days=2 * config.window_days)
    rows = s.execute(
        sa.select(Call.call_id, Call.started_at, Call.score).where(
            Call.agent_id == agent_id,
            Call.started_at >= to_db(call_time - span),
            Call.started_at <= to_db(call_time),
        )
    ).all()
    missed: dict[str, set[str]] = {r.call_id: set() for r in rows}
    if rows:
        for call_id, crit_id in s.execute(
            sa.select(CriterionRow.call_id, CriterionRow.criterion_id).where(
                CriterionRow.call_id.in_(list(missed)),
                CriterionRow.status == "missed",
            )
        ):
            missed[call_id].add(crit_id)
    return AgentHistory(
        hire_date=agent.hire_date if agent else None,
        calls=[
            PastCall(
                call_id=r.call_id,
                started_at=from_db(r.started_at),
                score=r.score,
                missed=frozenset(missed[r.call_id]),
            )
            for r in rows
        ],
    )


def insert_call(s: Session, doc: Document, now: datetime) -> Document:
    """Store ``doc`` with its transcript, scorecard and notes; route the notes.

    Returns the document as stored: note ids filled in, and a warning when
    the agent is not in the roster yet.
    """
    call_time = datetime.fromisoformat(doc.started_at)
    agent = None
    if doc.agent_id is not None:
        agent = s.get(Agent, doc.agent_id)
        if agent is None:
            agent = Agent(agent_id=doc.agent_id, name=None, created_at=now)
            s.add(agent)
            s.flush()
        if agent.name is None:
            doc.warnings.append(UNROSTERED.format(agent=doc.agent_id))
    manager_id = manager_of(s, agent)
    notes = [msgspec.structs.replace(n, id=new_id("note")) for n in doc.notes]
    doc = msgspec.structs.replace(doc, notes=notes)
    card = doc.scorecard
    due = datetime.fromisoformat(doc.tier.due_by) if doc.tier.due_by else None
    row = Call(
        call_id=doc.call_id,
        agent_id=doc.agent_id,
        started_at=to_db(call_time),
        received_at=now,
        call_type=doc.call_type,
        rubric_id=card.rubric_id,
        rubric_version=card.rubric_version,
        status=card.status,
        score=card.score,
        threshold=card.threshold,
        duration=doc.duration,
        tier_level=doc.tier.level,
        tier_label=doc.tier.label,
        tier_reasons=list(doc.tier.reasons),
        due_by=to_db(due) if due else None,
        document=msgspec.to_builtins(doc),
    )
    row.utterances = [
        Utterance(
            position=i,
            utterance_id=u.id,
            speaker=u.speaker,
            start=u.start,
            end=u.end,
            text=u.text,
        )
        for i, u in enumerate(doc.transcript.utterances)
    ]
    row.results = [
        CriterionRow(
            position=i,
            criterion_id=c.id,
            name=c.name,
            category=c.category,
            status=c.status,
            earned=c.earned,
            possible=c.possible,
            points=c.points,
            auto_fail=c.auto_fail,
            summary=c.summary,
            evidence=[
                EvidenceRow(
                    position=j,
                    start=e.start,
                    end=e.end,
                    speaker=e.speaker,
                    quote=e.quote,
                    reason=e.reason,
                    utterance_ids=list(e.utterance_ids),
                )
                for j, e in enumerate(c.evidence)
            ],
        )
        for i, c in enumerate(card.criteria)
    ]
    s.add(row)
    assert due is not None or not notes, "notes are drafted only for tiered calls"
    for note in notes:
        assert due is not None
        s.add(_note_row(note, doc, manager_id, call_time, due, now))
    if doc.agent_id is not None:
        for crit in card.criteria:
            if crit.status in ("needs_review", "judge_error") and crit.judge:
                s.add(_review_flag(doc, crit, manager_id, call_time))
    s.flush()
    return doc


def _review_flag(
    doc: Document, crit: CriterionResult, manager_id: str | None, call_time: datetime
) -> Flag:
    judge = crit.judge
    assert judge is not None and doc.agent_id is not None
    return Flag(
        flag_id=new_id("flag"),
        kind="review",
        manager_id=manager_id,
        agent_id=doc.agent_id,
        plan_id=None,
        call_id=doc.call_id,
        criterion_id=crit.id,
        raised_at=to_db(call_time),
        message=(
            f"Your verdict, please: the judge answered {crit.name} on call "
            f"{doc.call_id} with '{judge.verdict}' at confidence "
            f"{judge.confidence:.2f}, below the bar for counting it."
            if judge.error is None
            else f"Your verdict, please: the judge could not answer {crit.name} "
            f"on call {doc.call_id} ({judge.error})."
        ),
        details={
            "criterion": msgspec.to_builtins(crit),
            "answer": f"POST /v1/calls/{doc.call_id}/answers",
        },
    )


def answer(s: Session, call_id: str, data: AnswerIn, now: datetime) -> Document:
    """Store a person's verdict on a judged criterion and rescore the call.

    Raises:
        NotFound: no such call or criterion.
        Conflict: the criterion was decided (only ``needs_review`` and
            ``judge_error`` criteria take a manual answer).
    """
    row = get_call(s, call_id)
    if s.get(Manager, data.by) is None:
        raise BadRequest(f"by: {data.by!r} is not a manager in the roster")
    doc = stored_document(row)
    results = list(doc.scorecard.criteria)
    index = next((i for i, c in enumerate(results) if c.id == data.criterion_id), None)
    if index is None:
        raise NotFound(f"call {call_id!r} has no criterion {data.criterion_id!r}")
    crit = results[index]
    if crit.status not in ("needs_review", "judge_error"):
        raise Conflict(
            f"criterion {crit.id!r} of call {call_id!r} is {crit.status}; only "
            "needs_review or judge_error criteria take a manual answer",
            state=crit.status,
        )
    manual = ManualAnswer(
        verdict=data.verdict,
        by=data.by,
        at=from_db(now).isoformat(timespec="seconds"),
        comment=data.comment,
    )
    applies = data.verdict != "na"
    results[index] = msgspec.structs.replace(
        crit,
        status=data.verdict,
        earned=crit.points if data.verdict == "met" else 0.0,
        possible=crit.points if applies else 0.0,
        summary=f"{data.verdict} by {data.by} (the judge: {crit.summary})",
        manual=manual,
    )
    doc = msgspec.structs.replace(doc, scorecard=rescore(doc.scorecard, results))
    row.document = msgspec.to_builtins(doc)
    row.score = doc.scorecard.score
    for result in row.results:
        if result.criterion_id == crit.id:
            fresh = results[index]
            result.status, result.earned = fresh.status, fresh.earned
            result.possible = fresh.possible
    s.add(
        ManualAnswerRow(
            call_id=call_id,
            criterion_id=crit.id,
            verdict=data.verdict,
            by=data.by,
            at=now,
            comment=data.comment,
            model_status=crit.status,
        )
    )
    s.execute(
        sa.update(Flag)
        .where(
            Flag.call_id == call_id,
            Flag.criterion_id == crit.id,
            Flag.resolved_at.is_(None),
        )
        .values(resolved_at=now)
    )
    s.flush()
    return doc


def replace_notes(s: Session, doc: Document) -> Document:
    """New note texts (same notes, ids kept) for notes still in draft."""
    row = get_call(s, doc.call_id)
    for note in doc.notes:
        stored = s.get(NoteRow, note.id) if note.id else None
        if stored is not None and stored.state == "draft" and not stored.edits:
            stored.text = note.text
            stored.draft = msgspec.to_builtins(note)
    row.document = msgspec.to_builtins(doc)
    s.flush()
    return doc


def apply_triage(s: Session, doc: Document, now: datetime) -> Document:
    """Store a stored call's new tier, and route the notes it gained."""
    row = get_call(s, doc.call_id)
    agent = s.get(Agent, doc.agent_id) if doc.agent_id else None
    manager_id = manager_of(s, agent)
    due = datetime.fromisoformat(doc.tier.due_by) if doc.tier.due_by else None
    notes = []
    for note in doc.notes:
        if note.id is None and due is not None and doc.tier.level is not None:
            note = msgspec.structs.replace(note, id=new_id("note"))
            s.add(_note_row(note, doc, manager_id, row.started_at, due, now))
        notes.append(note)
    doc = msgspec.structs.replace(doc, notes=notes)
    row.tier_level = doc.tier.level
    row.tier_label = doc.tier.label
    row.tier_reasons = list(doc.tier.reasons)
    row.due_by = to_db(due) if due else None
    row.document = msgspec.to_builtins(doc)
    s.flush()
    return doc


def _note_row(
    note: Note,
    doc: Document,
    manager_id: str | None,
    call_time: datetime,
    due: datetime,
    now: datetime,
) -> NoteRow:
    """A drafted note, routed to ``manager_id`` (``None``: waits unrouted)."""
    assert note.id is not None and doc.tier.level is not None
    return NoteRow(
        note_id=note.id,
        call_id=doc.call_id,
        agent_id=doc.agent_id,
        manager_id=manager_id,
        criterion_id=note.criterion_id,
        criterion_name=note.criterion_name,
        tier_level=doc.tier.level,
        call_time=to_db(call_time),
        due_by=to_db(due),
        state="draft",
        text=note.text,
        draft=msgspec.to_builtins(note),
        created_at=now,
    )
