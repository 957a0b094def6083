"""Managers, teams and agents: create, update, read, import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachloop.coaching import OPEN_STATES
from coachloop.errors import AlreadyExists, BadRequest, NotFound
from coachloop.records import (
    AgentIn,
    AgentOut,
    AgentPatch,
    ImportSummary,
    ManagerIn,
    ManagerOut,
    ManagerPatch,
    Roster,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from coachloop.store._tables import Agent, Call, Flag, Manager, NoteRow, Team


def get_manager(s: Session, manager_id: str) -> Manager:
    row = s.get(Manager, manager_id)
    if row is None:
        raise NotFound(f"manager {manager_id!r} does not exist")
    return row


def get_team(s: Session, team_id: str) -> Team:
    row = s.get(Team, team_id)
    if row is None:
        raise NotFound(f"team {team_id!r} does not exist")
    return row


def get_agent(s: Session, agent_id: str) -> Agent:
    row = s.get(Agent, agent_id)
    if row is None:
        raise NotFound(f"agent {agent_id!r} does not exist")
    return row


def manager_of(s: Session, agent: Agent | None) -> str | None:
    if agent is None or agent.team_id is None:
        return None
    team = s.get(Team, agent.team_id)
    return team.manager_id if team else None


def create_manager(s: Session, data: ManagerIn, now: datetime) -> ManagerOut:
    if s.get(Manager, data.manager_id) is not None:
        raise AlreadyExists(f"manager {data.manager_id!r} already exists")
    s.add(Manager(manager_id=data.manager_id, name=data.name, created_at=now))
    s.flush()
    return manager_out(s, data.manager_id)


def update_manager(s: Session, manager_id: str, data: ManagerPatch) -> ManagerOut:
    get_manager(s, manager_id).name = data.name
    return manager_out(s, manager_id)


def manager_out(s: Session, manager_id: str) -> ManagerOut:
    row = get_manager(s, manager_id)
    teams = s.scalars(
        sa.select(Team.team_id).where(Team.manager_id == manager_id).order_by("team_id")
    )
    return ManagerOut(manager_id=row.manager_id, name=row.name, teams=list(teams))


def list_managers(s: Session) -> list[ManagerOut]:
    ids = s.scalars(sa.select(Manager.manager_id).order_by(Manager.manager_id))
    return [manager_out(s, i) for i in ids]


def create_team(s: Session, data: TeamIn, now: datetime) -> TeamOut:
    if s.get(Team, data.team_id) is not None:
        raise AlreadyExists(f"team {data.team_id!r} already exists")
    _require_manager(s, data.manager_id, f"team {data.team_id!r}")
    s.add(
        Team(
            team_id=data.team_id,
            name=data.name,
            manager_id=data.manager_id,
            created_at=now,
        )
    )
    s.flush()
    return team_out(s, data.team_id)


def update_team(s: Session, team_id: str, data: TeamPatch) -> TeamOut:
    row = get_team(s, team_id)
    if data.name is not None:
        row.name = data.name
    if data.manager_id is not None:
        _require_manager(s, data.manager_id, f"team {team_id!r}")
        row.manager_id = data.manager_id
        s.flush()
        for agent_id in s.scalars(
            sa.select(Agent.agent_id).where(Agent.team_id == team_id)
        ):
            route_waiting_notes(s, agent_id)
    return team_out(s, team_id)


def team_out(s: Session, team_id: str) -> TeamOut:
    row = get_team(s, team_id)
    agents = s.scalars(
        sa.select(Agent.agent_id).where(Agent.team_id == team_id).order_by("agent_id")
    )
    return TeamOut(
        team_id=row.team_id,
        name=row.name,
        manager_id=row.manager_id,
        agents=list(agents),
    )


def list_teams(s: Session) -> list[TeamOut]:
    ids = s.scalars(sa.select(Team.team_id).order_by(Team.team_id))
    return [team_out(s, i) for i in ids]


def create_agent(s: Session, data: AgentIn, now: datetime) -> AgentOut:
    existing = s.get(Agent, data.agent_id)
    if existing is not None and existing.name is not None:
        raise AlreadyExists(f"agent {data.agent_id!r} already exists")
    if data.team_id is not None:
        _require_team(s, data.team_id, f"agent {data.agent_id!r}")
    _check_hire_date(data.hire_date, data.agent_id, now)
    if existing is None:
        existing = Agent(agent_id=data.agent_id, created_at=now)
        s.add(existing)
    # An agent first seen on a call (name unset) is completed, not refused:
    # its calls were stored before the roster caught up.
    existing.name = data.name
    existing.team_id = data.team_id
    existing.hire_date = data.hire_date
    s.flush()
    route_waiting_notes(s, data.agent_id)
    return agent_out(s, data.agent_id)


def update_agent(
    s: Session, agent_id: str, data: AgentPatch, now: datetime
) -> AgentOut:
    row = get_agent(s, agent_id)
    _check_hire_date(data.hire_date, agent_id, now)
    if data.name is not None:
        row.name = data.name
    if data.hire_date is not None:
        row.hire_date = data.hire_date
    if data.team_id is not None:
        _require_team(s, data.team_id, f"agent {agent_id!r}")
        row.team_id = data.team_id
    s.flush()
    route_waiting_notes(s, agent_id)
    return agent_out(s, agent_id)


def agent_out(s: Session, agent_id: str) -> AgentOut:
    row = get_agent(s, agent_id)
    calls = s.scalar(
        sa.select(sa.func.count()).select_from(Call).where(Call.agent_id == agent_id)
    )
    return AgentOut(
        agent_id=row.agent_id,
        name=row.name,
        team_id=row.team_id,
        manager_id=manager_of(s, row),
        hire_date=row.hire_date,
        calls=calls or 0,
    )


def list_agents(s: Session, team_id: str | None = None) -> list[AgentOut]:
    query = sa.select(Agent.agent_id).order_by(Agent.agent_id)
    if team_id is not None:
        query = query.where(Agent.team_id == team_id)
    return [agent_out(s, i) for i in s.scalars(query)]


def route_waiting_notes(s: Session, agent_id: str) -> int:
    """Give the agent's notes that still wait on a manager (unrouted, draft or
    approved) to its current team manager: after a team or manager change the
    new manager coaches. Sent and closed notes stay with whoever handled them."""
    manager_id = manager_of(s, s.get(Agent, agent_id))
    if manager_id is None:
        return 0
    result = s.execute(
        sa.update(NoteRow)
        .where(
            NoteRow.agent_id == agent_id,
            sa.or_(NoteRow.manager_id.is_(None), NoteRow.state.in_(OPEN_STATES)),
        )
        .values(manager_id=manager_id)
    )
    # Queue flags raised while the agent had no manager follow too.
    s.execute(
        sa.update(Flag)
        .where(
            Flag.agent_id == agent_id,
            Flag.resolved_at.is_(None),
            Flag.manager_id.is_distinct_from(manager_id),
        )
        .values(manager_id=manager_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def import_roster(s: Session, roster: Roster, now: datetime) -> ImportSummary:
    """Create or update every row; one transaction, so a bad row changes nothing.

    An update sets what the file gives and keeps what it leaves out: a roster
    without hire dates or teams does not erase them.
    """
    for kind, ids in (
        ("manager", [m.manager_id for m in roster.managers]),
        ("team", [t.team_id for t in roster.teams]),
        ("agent", [a.agent_id for a in roster.agents]),
    ):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise BadRequest(
                f"roster lists {kind} {', '.join(repeated)} more than once"
            )
    created = {"managers": 0, "teams": 0, "agents": 0}
    updated = {"managers": 0, "teams": 0, "agents": 0}
    for m in roster.managers:
        if s.get(Manager, m.manager_id) is None:
            create_manager(s, m, now)
            created["managers"] += 1
        else:
            update_manager(s, m.manager_id, ManagerPatch(name=m.name))
            updated["managers"] += 1
    for t in roster.teams:
        if s.get(Team, t.team_id) is None:
            create_team(s, t, now)
            created["teams"] += 1
        else:
            update_team(s, t.team_id, TeamPatch(name=t.name, manager_id=t.manager_id))
            updated["teams"] += 1
    for a in roster.agents:
        row = s.get(Agent, a.agent_id)
        if row is None or row.name is None:
            create_agent(s, a, now)
            created["agents"] += 1
        else:
            if a.team_id is not None:
                _require_team(s, a.team_id, f"agent {a.agent_id!r}")
            _check_hire_date(a.hire_date, a.agent_id, now)
            row.name = a.name
            if a.team_id is not None:
                row.team_id = a.team_id
            if a.hire_date is not None:
                row.hire_date = a.hire_date
            s.flush()
            route_waiting_notes(s, a.agent_id)
            updated["agents"] += 1
    return ImportSummary(created=created, updated=updated)


def _check_hire_date(value: date | None, agent_id: str, now: datetime) -> None:
    # Agents are often entered before their first day, but not years ahead:
    # that is a typo, and it would make every call a new hire's.
    if value is not None and value > now.date() + timedelta(days=366):
        raise BadRequest(
            f"agent {agent_id!r}: hire_date {value.isoformat()} is more than a year "
            "from now"
        )


def _require_manager(s: Session, manager_id: str, who: str) -> None:
    if s.get(Manager, manager_id) is None:
        raise BadRequest(
            f"{who} names manager {manager_id!r}, which does not exist; create it first"
        )


def _require_team(s: Session, team_id: str, who: str) -> None:
    if s.get(Team, team_id) is None:
        raise BadRequest(
            f"{who} names team {team_id!r}, which does not exist; create it first"
        )
