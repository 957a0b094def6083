"""Action plans in the store: creation, updates on each call, flags, sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachloop.coaching import (
    CriterionCall,
    TargetSpec,
    WindowSpec,
    baseline_calls,
    evaluate,
    suggest,
)
from coachloop.config import PlanConfig
from coachloop.document import Excerpt
from coachloop.errors import BadRequest, Conflict, NotFound
from coachloop.pipeline import EARLIEST_CALL
from coachloop.records import CriterionOutcome, PlanIn, PlanOut, SessionIn, SessionOut
from coachloop.store._calls import get_call, new_id
from coachloop.store._org import get_agent, manager_of
from coachloop.store._tables import (
    Agent,
    Call,
    CoachingSession,
    CriterionRow,
    Flag,
    NoteRow,
    Plan,
    PlanCriterion,
    from_db,
    to_db,
)

MAX_CRITERIA = 2


def criterion_calls(
    s: Session,
    agent_ids: Sequence[str],
    criterion_id: str | None = None,
    limit_calls: int | None = None,
) -> list[CriterionCall]:
    """Criterion results of the agents' calls, oldest call first."""
    if not agent_ids:
        return []
    query = (
        sa.select(CriterionRow, Call.agent_id, Call.started_at, Call.call_type)
        .join(Call, Call.call_id == CriterionRow.call_id)
        .where(Call.agent_id.in_(list(agent_ids)))
        .order_by(Call.started_at, Call.call_id, CriterionRow.position)
    )
    if criterion_id is not None:
        query = query.where(CriterionRow.criterion_id == criterion_id)
    if limit_calls is not None:
        recent = (
            sa.select(Call.call_id)
            .where(Call.agent_id.in_(list(agent_ids)))
            .order_by(Call.started_at.desc(), Call.call_id.desc())
            .limit(limit_calls)
        )
        query = query.where(CriterionRow.call_id.in_(recent))
    return [
        CriterionCall(
            call_id=row.call_id,
            agent_id=agent_id or "",
            criterion_id=row.criterion_id,
            started_at=from_db(started),
            call_type=call_type,
            status=row.status,
            earned=row.earned,
            possible=row.possible,
            category=row.category,
            auto_fail=row.auto_fail,
        )
        for row, agent_id, started, call_type in s.execute(query)
    ]


def create_plan(s: Session, data: PlanIn, now: datetime, config: PlanConfig) -> PlanOut:
    agent = get_agent(s, data.agent_id)
    criteria = list(data.criteria)
    if len(criteria) > MAX_CRITERIA:
        raise BadRequest(
            f"a plan focuses on one or two criteria, got {len(criteria)} "
            f"({', '.join(criteria)}): pick the two that matter most"
        )
    if len(set(criteria)) != len(criteria):
        raise BadRequest(f"criteria repeat an id: {criteria}")
    suggested = not criteria
    if suggested:
        recent = criterion_calls(s, [agent.agent_id], limit_calls=config.recent_calls)
        criteria = [x.criterion_id for x in suggest(recent, MAX_CRITERIA)]
        if not criteria:
            raise Conflict(
                f"agent {agent.agent_id!r} lost no points on its last "
                f"{config.recent_calls} calls: nothing to suggest; name the criteria"
            )
    target = _target(data, config)
    window = _window(data, config)
    starts_at = from_db(to_db(data.starts_at)) if data.starts_at else from_db(now)
    latest = from_db(now) + timedelta(days=366)
    if not EARLIEST_CALL <= starts_at <= latest:
        raise BadRequest(
            f"starts_at {starts_at.isoformat()} must be between "
            f"{EARLIEST_CALL.date()} and a year from now"
        )
    plan = Plan(
        plan_id=new_id("plan"),
        agent_id=agent.agent_id,
        created_at=now,
        starts_at=to_db(starts_at),
        target=target,
        window=window,
        state="open",
    )
    for position, crit_id in enumerate(criteria):
        known = s.scalar(
            sa.select(CriterionRow.name)
            .where(CriterionRow.criterion_id == crit_id)
            .limit(1)
        )
        if known is None:
            raise BadRequest(
                f"criterion {crit_id!r} has no results on any stored call; "
                "use the criterion ids of the rubric (e.g. recording-disclosure)"
            )
        taken = s.scalar(
            sa.select(Plan.plan_id)
            .join(PlanCriterion)
            .where(
                Plan.agent_id == agent.agent_id,
                Plan.state == "open",
                PlanCriterion.criterion_id == crit_id,
            )
        )
        if taken is not None:
            raise Conflict(
                f"agent {agent.agent_id!r} already has open plan {taken} on "
                f"{crit_id!r}; let it reach its verdict first",
                plan_id=taken,
            )
        rows = criterion_calls(s, [agent.agent_id], crit_id)
        base = baseline_calls(rows, starts_at, config.baseline_calls)
        plan.criteria.append(
            PlanCriterion(
                position=position,
                criterion_id=crit_id,
                baseline={
                    "name": known,
                    "calls": [msgspec.to_builtins(_as_dict(c)) for c in base],
                },
                adjust_flagged=False,
            )
        )
    s.add(plan)
    s.flush()
    # A window that already holds its calls (a plan dated in the past) is
    # judged now, not on the agent's next call.
    update_open_plans(s, agent.agent_id, config)
    out = plan_out(s, plan, config)
    return msgspec.structs.replace(out, suggested=suggested)


def get_plan(s: Session, plan_id: str) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"plan {plan_id!r} does not exist")
    return plan


def plan_out(s: Session, plan: Plan, config: PlanConfig) -> PlanOut:
    as_of = _as_of(s, plan.agent_id, plan)
    outcomes = [_outcome(s, plan, pc, as_of, config)[0] for pc in plan.criteria]
    window = WindowSpec(
        starts_at=from_db(plan.starts_at),
        calls=plan.window.get("calls"),
        days=plan.window.get("days"),
    )
    return PlanOut(
        id=plan.plan_id,
        agent_id=plan.agent_id,
        created_at=from_db(plan.created_at),
        starts_at=from_db(plan.starts_at),
        window=plan.window,
        window_ends_at=window.hard_end(config),
        target=plan.target,
        state=plan.state,  # type: ignore[arg-type]
        closed_at=from_db(plan.closed_at) if plan.closed_at else None,
        suggested=False,
        criteria=outcomes,
        sessions=[_session_out(x) for x in plan.sessions],
    )


def update_open_plans(s: Session, agent_id: str, config: PlanConfig) -> None:
    """Re-evaluate the agent's open plans after a new call; close, flag, escalate."""
    plans = s.scalars(
        sa.select(Plan)
        .where(Plan.agent_id == agent_id, Plan.state == "open")
        .order_by(Plan.starts_at)
    ).all()
    for plan in plans:
        as_of = _as_of(s, agent_id, plan)
        for pc in plan.criteria:
            if pc.verdict is not None:
                continue
            outcome, adjust_due = _outcome(s, plan, pc, as_of, config)
            if adjust_due:
                pc.adjust_flagged = True
                _raise_adjust(s, plan, pc, outcome, as_of)
            if outcome.status == "closed":
                pc.verdict = outcome.verdict
                pc.outcome = msgspec.to_builtins(outcome)
                if pc.verdict == "not_effective":
                    _maybe_escalate(s, plan, pc, outcome, as_of, config)
        if all(pc.verdict is not None for pc in plan.criteria):
            plan.state = "closed"
            plan.closed_at = to_db(as_of)
    s.flush()


def add_session(s: Session, plan_id: str, data: SessionIn, now: datetime) -> SessionOut:
    plan = get_plan(s, plan_id)
    call = get_call(s, data.call_id)
    if call.agent_id != plan.agent_id:
        raise BadRequest(
            f"call {data.call_id!r} is agent {call.agent_id!r}'s, not the plan's "
            f"agent {plan.agent_id!r}"
        )
    if not data.start < data.end <= call.duration + 1e-6:
        raise BadRequest(
            f"excerpt {data.start:g}-{data.end:g} s must have start < end <= the "
            f"call's duration ({call.duration:g} s)"
        )
    commitment = data.commitment.strip()
    if not commitment:
        raise BadRequest("commitment is empty: record the agent's one commitment")
    row = CoachingSession(
        session_id=new_id("session"),
        plan_id=plan.plan_id,
        held_at=to_db(data.held_at),
        call_id=call.call_id,
        excerpt_start=data.start,
        excerpt_end=data.end,
        commitment=commitment,
        recorded_by=data.by,
        created_at=now,
    )
    plan.sessions.append(row)
    s.flush()
    return _session_out(row)


def _outcome(
    s: Session, plan: Plan, pc: PlanCriterion, as_of: datetime, config: PlanConfig
) -> tuple[CriterionOutcome, bool]:
    if pc.verdict is not None and pc.outcome is not None:
        return msgspec.convert(pc.outcome, CriterionOutcome), False
    agent = s.get(Agent, plan.agent_id)
    peers: list[str] = []
    if agent is not None and agent.team_id is not None:
        peers = list(
            s.scalars(
                sa.select(Agent.agent_id).where(
                    Agent.team_id == agent.team_id, Agent.agent_id != agent.agent_id
                )
            )
        )
    baseline = [_from_dict(d) for d in pc.baseline["calls"]]
    return evaluate(
        criterion_id=pc.criterion_id,
        criterion_name=pc.baseline["name"],
        baseline=baseline,
        agent_calls=criterion_calls(s, [plan.agent_id], pc.criterion_id),
        peer_calls=criterion_calls(s, peers, pc.criterion_id),
        peer_agents=len(peers),
        window=WindowSpec(
            starts_at=from_db(plan.starts_at),
            calls=plan.window.get("calls"),
            days=plan.window.get("days"),
        ),
        target=TargetSpec(
            met_rate=plan.target.get("met_rate"), gain=plan.target.get("gain")
        ),
        as_of=as_of,
        config=config,
        adjust_flagged=pc.adjust_flagged,
    )


def _as_of(s: Session, agent_id: str, plan: Plan) -> datetime:
    """Plans run on call time: the agent's newest call, or the plan's start."""
    newest = s.scalar(
        sa.select(sa.func.max(Call.started_at)).where(Call.agent_id == agent_id)
    )
    start = plan.starts_at
    return from_db(max(newest, start) if newest is not None else start)


def _raise_adjust(
    s: Session,
    plan: Plan,
    pc: PlanCriterion,
    outcome: CriterionOutcome,
    as_of: datetime,
) -> None:
    days = (as_of - from_db(plan.starts_at)).days
    message = (
        f"Adjust the approach: {days} days into plan {plan.plan_id}, "
        f"{outcome.criterion_name} shows no improvement (met "
        f"{outcome.window.met} of {outcome.window.n} since coaching, "
        f"baseline {_rate(outcome.baseline.met_rate)}). The coaching may "
        "be too abstract, not understood, or not about a skill."
    )
    details = {"outcome": msgspec.to_builtins(outcome)}
    s.add(_plan_flag(s, "adjust", plan, pc, as_of, message, details))


def _maybe_escalate(
    s: Session,
    plan: Plan,
    pc: PlanCriterion,
    outcome: CriterionOutcome,
    as_of: datetime,
    config: PlanConfig,
) -> None:
    """Two consecutive full cycles on a criterion without effect: escalate."""
    previous = s.execute(
        sa.select(PlanCriterion, Plan)
        .join(Plan)
        .where(
            Plan.agent_id == plan.agent_id,
            Plan.plan_id != plan.plan_id,
            Plan.starts_at < plan.starts_at,
            PlanCriterion.criterion_id == pc.criterion_id,
            # insufficient_data is not a cycle of evidence either way.
            PlanCriterion.verdict.in_(["effective", "not_effective"]),
        )
        .order_by(Plan.starts_at.desc())
        .limit(1)
    ).first()
    if previous is None or previous[0].verdict != "not_effective":
        return
    prev_pc, prev_plan = previous
    prev_outcome = msgspec.convert(prev_pc.outcome, CriterionOutcome)
    cycles = [(prev_plan, prev_outcome), (plan, outcome)]
    checks = _process_checks(s, plan.agent_id, pc.criterion_id, cycles, as_of)
    message = (
        f"Escalation recommended (HR review or performance improvement "
        f"plan): two consecutive coaching cycles on {outcome.criterion_name} "
        f"were not effective (plans {prev_plan.plan_id} and "
        f"{plan.plan_id}). Rule out the process first: {checks['summary']}"
    )
    details = {
        "cycles": [
            {"plan_id": p.plan_id, "outcome": msgspec.to_builtins(o)} for p, o in cycles
        ],
        "process_checks": checks,
    }
    s.add(_plan_flag(s, "escalation", plan, pc, as_of, message, details))


def _plan_flag(
    s: Session,
    kind: str,
    plan: Plan,
    pc: PlanCriterion,
    as_of: datetime,
    message: str,
    details: dict[str, Any],
) -> Flag:
    """A plan's queue flag, for the agent's manager now, raised at call time."""
    return Flag(
        flag_id=new_id("flag"),
        kind=kind,
        manager_id=manager_of(s, s.get(Agent, plan.agent_id)),
        agent_id=plan.agent_id,
        plan_id=plan.plan_id,
        criterion_id=pc.criterion_id,
        raised_at=to_db(as_of),
        message=message,
        details=details,
    )


def _process_checks(
    s: Session,
    agent_id: str,
    criterion_id: str,
    cycles: list[tuple[Plan, CriterionOutcome]],
    as_of: datetime,
) -> dict[str, Any]:
    sessions = {p.plan_id: len(p.sessions) for p, _ in cycles}
    first_start = cycles[0][1].series[0].started_at if cycles[0][1].series else None
    since = min(
        [from_db(cycles[0][0].starts_at)] + ([first_start] if first_start else [])
    ) - timedelta(days=14)
    notes = s.scalars(
        sa.select(NoteRow).where(
            NoteRow.agent_id == agent_id,
            NoteRow.criterion_id == criterion_id,
            NoteRow.call_time >= to_db(since),
            NoteRow.call_time <= to_db(as_of),
        )
    ).all()
    on_time = [
        n
        for n in notes
        if n.sent_at is not None and n.sent_at - n.call_time <= timedelta(hours=48)
    ]
    late = [n.note_id for n in notes if n not in on_time and n.state != "dismissed"]
    mix = {p.plan_id: o.call_mix.changed for p, o in cycles}
    parts = [
        "sessions held: " + ", ".join(f"{k} {v}" for k, v in sessions.items()),
        f"notes sent within 48 h: {len(on_time)} of {len(notes)}",
        "call mix changed: "
        + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in mix.items()),
    ]
    return {
        "sessions_held": sessions,
        "notes": len(notes),
        "notes_sent_within_48h": len(on_time),
        "notes_late_or_unsent": late,
        "call_mix_changed": mix,
        "summary": "; ".join(parts) + ".",
    }


def _target(data: PlanIn, config: PlanConfig) -> dict[str, float]:
    t = data.target
    if t is None:
        return {"met_rate": config.default_met_rate}
    if (t.met_rate is None) == (t.gain is None):
        raise BadRequest("target needs exactly one of met_rate (e.g. 0.8) or gain")
    return {"met_rate": t.met_rate} if t.met_rate is not None else {"gain": t.gain}  # type: ignore[dict-item]


def _window(data: PlanIn, config: PlanConfig) -> dict[str, int]:
    w = data.window
    if w is None:
        return {"calls": config.default_window_calls}
    if (w.calls is None) == (w.days is None):
        raise BadRequest("window needs exactly one of calls (5-10) or days (7-28)")
    return {"calls": w.calls} if w.calls is not None else {"days": w.days}  # type: ignore[dict-item]


def _as_dict(c: CriterionCall) -> dict[str, Any]:
    return {
        "call_id": c.call_id,
        "agent_id": c.agent_id,
        "criterion_id": c.criterion_id,
        "started_at": c.started_at.isoformat(),
        "call_type": c.call_type,
        "status": c.status,
        "earned": c.earned,
        "possible": c.possible,
    }


def _from_dict(d: dict[str, Any]) -> CriterionCall:
    return CriterionCall(
        call_id=d["call_id"],
        agent_id=d["agent_id"],
        criterion_id=d["criterion_id"],
        started_at=datetime.fromisoformat(d["started_at"]),
        call_type=d["call_type"],
        status=d["status"],
        earned=d["earned"],
        possible=d["possible"],
    )


def _session_out(row: CoachingSession) -> SessionOut:
    return SessionOut(
        id=row.session_id,
        held_at=from_db(row.held_at),
        call_id=row.call_id,
        excerpt=Excerpt(start=row.excerpt_start, end=row.excerpt_end),
        commitment=row.commitment,
        recorded_by=row.recorded_by,
    )


def _rate(value: float | None) -> str:
    return "none" if value is None else f"{value:.0%}"
