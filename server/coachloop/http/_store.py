"""REST routes over the coaching store: org, stored calls, queue, notes, plans.

Each handler converts the request, runs one store operation on the database
thread and returns its record; all rules live in the store.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, patch, post
from litestar.params import Parameter

from coachloop.coaching import NOTE_STATES, OPEN_STATES
from coachloop.document import Document
from coachloop.errors import BadRequest
from coachloop.http._read import read_call
from coachloop.records import (
    ActorIn,
    AgentIn,
    AgentOut,
    AgentPatch,
    AnswerIn,
    ApproveIn,
    DismissIn,
    ImportSummary,
    ManagerIn,
    ManagerOut,
    ManagerPatch,
    NoteEditIn,
    NoteOut,
    PlanIn,
    PlanOut,
    QueueOut,
    Roster,
    SessionIn,
    SessionOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    TrendOut,
)
from coachloop.service import ScoringService

# -- org ---------------------------------------------------------------------


@post("/v1/managers")
async def create_manager(service: ScoringService, data: ManagerIn) -> ManagerOut:
    return await service.db(service.require_store().create_manager, data)


@get("/v1/managers")
async def list_managers(service: ScoringService) -> list[ManagerOut]:
    return await service.db(service.require_store().list_managers)


@get("/v1/managers/{manager_id:str}")
async def get_manager(service: ScoringService, manager_id: str) -> ManagerOut:
    return await service.db(service.require_store().get_manager, manager_id)


@patch("/v1/managers/{manager_id:str}")
async def update_manager(
    service: ScoringService, manager_id: str, data: ManagerPatch
) -> ManagerOut:
    return await service.db(service.require_store().update_manager, manager_id, data)


@post("/v1/teams")
async def create_team(service: ScoringService, data: TeamIn) -> TeamOut:
    return await service.db(service.require_store().create_team, data)


@get("/v1/teams")
async def list_teams(service: ScoringService) -> list[TeamOut]:
    return await service.db(service.require_store().list_teams)


@get("/v1/teams/{team_id:str}")
async def get_team(service: ScoringService, team_id: str) -> TeamOut:
    return await service.db(service.require_store().get_team, team_id)


@patch("/v1/teams/{team_id:str}")
async def update_team(
    service: ScoringService, team_id: str, data: TeamPatch
) -> TeamOut:
    return await service.db(service.require_store().update_team, team_id, data)


@post("/v1/agents")
async def create_agent(service: ScoringService, data: AgentIn) -> AgentOut:
    return await service.db(service.require_store().create_agent, data)


@get("/v1/agents")
async def list_agents(
    service: ScoringService, team_id: str | None = None
) -> list[AgentOut]:
    return await service.db(service.require_store().list_agents, team_id)


@get("/v1/agents/{agent_id:str}")
async def get_agent(service: ScoringService, agent_id: str) -> AgentOut:
    return await service.db(service.require_store().get_agent, agent_id)


@patch("/v1/agents/{agent_id:str}")
async def update_agent(
    service: ScoringService, agent_id: str, data: AgentPatch
) -> AgentOut:
    return await service.db(service.require_store().update_agent, agent_id, data)


@get("/v1/agents/{agent_id:str}/trend")
async def agent_trend(
    service: ScoringService,
    agent_id: str,
    criterion: str | None = Parameter(default=None, description="criterion id"),
) -> TrendOut:
    return await service.db(service.require_store().trend, agent_id, criterion)


@get("/v1/agents/{agent_id:str}/plans")
async def agent_plans(service: ScoringService, agent_id: str) -> list[PlanOut]:
    return await service.db(service.require_store().list_plans, agent_id)


@post("/v1/org:import", status_code=200)
async def import_org(service: ScoringService, data: Roster) -> ImportSummary:
    return await service.db(service.require_store().import_roster, data)


# -- calls -------------------------------------------------------------------


@post("/v1/calls")
async def record_call(
    service: ScoringService, request: Request[Any, Any, Any]
) -> Response[Any]:
    """Score, store, triage with the agent's history and route the notes.

    201 with the document when stored now; 200 with the stored document when
    the ``call_id`` was sent before (nothing is scored twice).
    """
    call = await read_call(request, service.server.max_upload_bytes)
    doc, created = await service.record(call, "rest.calls")
    return Response(doc, status_code=201 if created else 200)


@get("/v1/calls/{call_id:str}")
async def get_call(service: ScoringService, call_id: str) -> Document:
    return await service.db(service.require_store().get_call, call_id)


@post("/v1/calls/{call_id:str}/answers", status_code=200)
async def answer_call(
    service: ScoringService, call_id: str, data: AnswerIn
) -> Document:
    """A person's verdict on a ``needs_review`` or ``judge_error`` criterion."""
    store = service.require_store()
    stored = await service.db(store.get_call, call_id)
    service.pipeline.check_answer(
        stored.scorecard.rubric_id, data.criterion_id, data.verdict
    )
    return await service.db(store.answer, call_id, data, service.pipeline.retriage)


# -- queue and notes ---------------------------------------------------------


@get("/v1/managers/{manager_id:str}/queue")
async def manager_queue(
    service: ScoringService,
    manager_id: str,
    wanted: str | None = Parameter(
        query="state",
        default=None,
        description="comma-separated note states; default draft,approved",
    ),
) -> QueueOut:
    states = OPEN_STATES if wanted is None else _states(wanted)
    return await service.db(service.require_store().queue, manager_id, states)


@get("/v1/notes/{note_id:str}")
async def get_note(service: ScoringService, note_id: str) -> NoteOut:
    return await service.db(service.require_store().get_note, note_id)


@patch("/v1/notes/{note_id:str}")
async def edit_note(service: ScoringService, note_id: str, data: NoteEditIn) -> NoteOut:
    store = service.require_store()
    return await service.db(
        store.note_action, note_id, "edit", by=data.author, text=data.text
    )


@post("/v1/notes/{note_id:str}/approve", status_code=200)
async def approve_note(
    service: ScoringService, note_id: str, data: ApproveIn
) -> NoteOut:
    store = service.require_store()
    return await service.db(
        store.note_action, note_id, "approve", by=data.by, text=data.text
    )


@post("/v1/notes/{note_id:str}/send", status_code=200)
async def send_note(service: ScoringService, note_id: str, data: ActorIn) -> NoteOut:
    store = service.require_store()
    return await service.db(store.note_action, note_id, "send", by=data.by)


@post("/v1/notes/{note_id:str}/acknowledge", status_code=200)
async def acknowledge_note(
    service: ScoringService, note_id: str, data: ActorIn
) -> NoteOut:
    store = service.require_store()
    return await service.db(store.note_action, note_id, "acknowledge", by=data.by)


@post("/v1/notes/{note_id:str}/dismiss", status_code=200)
async def dismiss_note(
    service: ScoringService, note_id: str, data: DismissIn
) -> NoteOut:
    store = service.require_store()
    return await service.db(
        store.note_action, note_id, "dismiss", by=data.by, reason=data.reason
    )


# -- plans -------------------------------------------------------------------


@post("/v1/plans")
async def create_plan(service: ScoringService, data: PlanIn) -> PlanOut:
    return await service.db(service.require_store().create_plan, data)


@get("/v1/plans/{plan_id:str}")
async def get_plan(service: ScoringService, plan_id: str) -> PlanOut:
    return await service.db(service.require_store().get_plan, plan_id)


@post("/v1/plans/{plan_id:str}/sessions")
async def add_session(
    service: ScoringService, plan_id: str, data: SessionIn
) -> SessionOut:
    return await service.db(service.require_store().add_session, plan_id, data)


def _states(value: str) -> tuple[str, ...]:
    states = tuple(s.strip() for s in value.split(",") if s.strip())
    bad = [s for s in states if s not in NOTE_STATES]
    if bad or not states:
        raise BadRequest(
            f"state must be a comma-separated list of {', '.join(NOTE_STATES)}; "
            f"got {value!r}"
        )
    return states


ROUTES = [
    create_manager,
    list_managers,
    get_manager,
    update_manager,
    create_team,
    list_teams,
    get_team,
    update_team,
    create_agent,
    list_agents,
    get_agent,
    update_agent,
    agent_trend,
    agent_plans,
    import_org,
    record_call,
    get_call,
    answer_call,
    manager_queue,
    get_note,
    edit_note,
    approve_note,
    send_note,
    acknowledge_note,
    dismiss_note,
    create_plan,
    get_plan,
    add_session,
]
