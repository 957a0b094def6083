"""The coaching store: one object, one transaction per operation.

Every method is blocking (SQLAlchemy's synchronous engine); the server runs
them on one database thread, so SQLite sees one writer at a time and the
event loop never waits on disk.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from coachloop.coaching import OPEN_STATES
from coachloop.coaching._lifecycle import Action
from coachloop.config import PlanConfig, TierConfig
from coachloop.document import Document
from coachloop.errors import Conflict
from coachloop.records import (
    AgentIn,
    AgentOut,
    AgentPatch,
    AnswerIn,
    ImportSummary,
    ManagerIn,
    ManagerOut,
    ManagerPatch,
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
from coachloop.scoring import AgentHistory
from coachloop.store import _calls, _notes, _org, _plans, _trend
from coachloop.store._migrate import create_engine, database_url, migrate
from coachloop.store._tables import to_db

logger = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(
        self,
        url: str,
        *,
        tiers: TierConfig | None = None,
        plans: PlanConfig | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        """Open (and migrate) the database at ``url``: a SQLAlchemy URL or a path.

        ``clock`` gives the time of manager actions (approve, send...) and of
        note ages; tests and the demo pass a simulated one.
        """
        self.tiers = tiers or TierConfig()
        self.plans = plans or PlanConfig()
        self.clock = clock
        self.engine = create_engine(url)
        try:
            self.revision = migrate(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise ValueError(
                f"cannot open the store at {database_url(url)}: {exc.orig} "
                "(does its folder exist, and may this user write there?)"
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _now(self) -> datetime:
        return to_db(self.clock())

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # -- org -----------------------------------------------------------------

    def create_manager(self, data: ManagerIn) -> ManagerOut:
        with self._tx() as s:
            return _org.create_manager(s, data, self._now())

    def update_manager(self, manager_id: str, data: ManagerPatch) -> ManagerOut:
        with self._tx() as s:
            return _org.update_manager(s, manager_id, data)

    def get_manager(self, manager_id: str) -> ManagerOut:
        with self._tx() as s:
            return _org.manager_out(s, manager_id)

    def list_managers(self) -> list[ManagerOut]:
        with self._tx() as s:
            return _org.list_managers(s)

    def create_team(self, data: TeamIn) -> TeamOut:
        with self._tx() as s:
            return _org.create_team(s, data, self._now())

    def update_team(self, team_id: str, data: TeamPatch) -> TeamOut:
        with self._tx() as s:
            return _org.update_team(s, team_id, data)

    def get_team(self, team_id: str) -> TeamOut:
        with self._tx() as s:
            return _org.team_out(s, team_id)

    def list_teams(self) -> list[TeamOut]:
        with self._tx() as s:
            return _org.list_teams(s)

    def create_agent(self, data: AgentIn) -> AgentOut:
        with self._tx() as s:
            return _org.create_agent(s, data, self._now())

    def update_agent(self, agent_id: str, data: AgentPatch) -> AgentOut:
        with self._tx() as s:
            return _org.update_agent(s, agent_id, data, self._now())

    def get_agent(self, agent_id: str) -> AgentOut:
        with self._tx() as s:
            return _org.agent_out(s, agent_id)

    def list_agents(self, team_id: str | None = None) -> list[AgentOut]:
        with self._tx() as s:
            return _org.list_agents(s, team_id)

    def import_roster(self, roster: Roster) -> ImportSummary:
        with self._tx() as s:
            return _org.import_roster(s, roster, self._now())

    # -- calls ---------------------------------------------------------------

    def stored_call(self, call_id: str, agent_id: str | None) -> Document | None:
        """The stored document of ``call_id``, or ``None`` when it is new.

        Raises:
            Conflict: the id is stored for another agent (a caller's id clash).
        """
        with self._tx() as s:
            row = _calls.find_call(s, call_id)
            if row is None:
                return None
            if agent_id is not None and row.agent_id != agent_id:
                raise Conflict(
                    f"call_id {call_id!r} is already stored for agent "
                    f"{row.agent_id!r}, not {agent_id!r}",
                    call_id=call_id,
                )
            return _calls.stored_document(row)

    def answer(
        self,
        call_id: str,
        data: AnswerIn,
        retriage: Callable[[Document, AgentHistory | None], Document] | None = None,
    ) -> Document:
        """A person's verdict on a judged criterion; returns the rescored call,
        triaged again (``retriage``) with the agent's history as it stands."""
        with self._tx() as s:
            doc = _calls.answer(s, call_id, data, self._now())
            if retriage is None:
                return doc
            history = None
            if doc.agent_id is not None:
                full = _calls.agent_history(
                    s, doc.agent_id, datetime.fromisoformat(doc.started_at), self.tiers
                )
                history = AgentHistory(
                    hire_date=full.hire_date,
                    calls=[c for c in full.calls if c.call_id != call_id],
                )
            return _calls.apply_triage(s, retriage(doc, history), self._now())

    def replace_notes(self, doc: Document) -> Document:
        """Store the judge's rewrite of a stored call's draft notes."""
        with self._tx() as s:
            return _calls.replace_notes(s, doc)

    def get_call(self, call_id: str) -> Document:
        with self._tx() as s:
            return _calls.stored_document(_calls.get_call(s, call_id))

    def record_call(
        self, doc: Document, coach: Callable[[AgentHistory], Document]
    ) -> tuple[Document, bool]:
        """Triage ``doc`` with its agent's history, store it, update plans.

        ``coach`` turns the history into the final document (tier and notes);
        it runs inside the transaction, so no other call of the agent can be
        stored between reading the history and writing this call.

        Returns the stored document and whether this request created it (an
        id stored meanwhile by a concurrent request returns that one).
        """
        call_time = datetime.fromisoformat(doc.started_at)
        try:
            with self._tx() as s:
                if doc.agent_id is not None:
                    history = _calls.agent_history(
                        s, doc.agent_id, call_time, self.tiers
                    )
                    history = AgentHistory(
                        hire_date=history.hire_date,
                        calls=[c for c in history.calls if c.call_id != doc.call_id],
                    )
                    doc = coach(history)
                stored = _calls.insert_call(s, doc, self._now())
                if doc.agent_id is not None:
                    _plans.update_open_plans(s, doc.agent_id, self.plans)
                return stored, True
        except IntegrityError:
            again = self.stored_call(doc.call_id, doc.agent_id)
            if again is None:
                raise
            return again, False

    # -- notes ---------------------------------------------------------------

    def queue(self, manager_id: str, states: Collection[str] = OPEN_STATES) -> QueueOut:
        with self._tx() as s:
            return _notes.queue(s, manager_id, states, self._now(), self.tiers)

    def get_note(self, note_id: str) -> NoteOut:
        with self._tx() as s:
            return _notes.note_out(_notes.get_note(s, note_id), self._now(), self.tiers)

    def note_action(
        self,
        note_id: str,
        action: Action,
        *,
        by: str,
        text: str | None = None,
        reason: str | None = None,
    ) -> NoteOut:
        now = self._now()
        with self._tx() as s:
            row = _notes.act(
                s, note_id, action, by=by, now=now, text=text, reason=reason
            )
            return _notes.note_out(row, now, self.tiers)

    # -- plans ---------------------------------------------------------------

    def create_plan(self, data: PlanIn) -> PlanOut:
        with self._tx() as s:
            return _plans.create_plan(s, data, self._now(), self.plans)

    def get_plan(self, plan_id: str) -> PlanOut:
        with self._tx() as s:
            return _plans.plan_out(s, _plans.get_plan(s, plan_id), self.plans)

    def add_session(self, plan_id: str, data: SessionIn) -> SessionOut:
        with self._tx() as s:
            return _plans.add_session(s, plan_id, data, self._now())

    def list_plans(self, agent_id: str) -> list[PlanOut]:
        with self._tx() as s:
            _org.get_agent(s, agent_id)
            plans = s.scalars(
                sa.select(_plans.Plan)
                .where(_plans.Plan.agent_id == agent_id)
                .order_by(_plans.Plan.starts_at)
            )
            return [_plans.plan_out(s, p, self.plans) for p in plans]

    def trend(self, agent_id: str, criterion_id: str | None = None) -> TrendOut:
        with self._tx() as s:
            return _trend.trend(s, agent_id, criterion_id)
