"""The coaching store on a real SQLite file: calls, history, routing, plans."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from coachloop.demo._calls import make_call
from coachloop.errors import BadRequest, Conflict, NotFound
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.records import (
    AgentIn,
    AgentPatch,
    ManagerIn,
    PlanIn,
    Roster,
    SessionIn,
    TargetIn,
    TeamIn,
    TeamPatch,
    WindowIn,
)
from coachloop.rubrics import RubricRegistry
from coachloop.store import Store
from coachloop.store._tables import Base

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
ID = "identity-verification"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Loop:
    """A store and a pipeline, and calls made to order."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.pipeline = Pipeline(registry=RubricRegistry())
        self._n = 0

    def call(self, agent, at, *missed, call_id=None, call_type="billing"):
        self._n += 1
        meta = CallMetadata(
            call_id=call_id or f"{agent}-{self._n}",
            agent_id=agent,
            started_at=at,
            call_type=call_type,
        )
        scored = self.pipeline.score_call(
            CallRequest(metadata=meta, transcript=make_call(missed))
        )
        self.clock.now = at + timedelta(minutes=5)
        doc, _ = self.store.record_call(
            scored.document, lambda h: self.pipeline.coach(scored, h)
        )
        return doc


@pytest.fixture
def loop(tmp_path):
    clock = Clock()
    store = Store(str(tmp_path / "coachloop.db"), clock=clock)
    store.create_manager(ManagerIn(manager_id="m1", name="Maya Ortiz"))
    store.create_manager(ManagerIn(manager_id="m2", name="Lee Park"))
    store.create_team(TeamIn(team_id="t1", name="Billing", manager_id="m1"))
    for agent, hired in [
        ("a1", date(2024, 3, 1)),
        ("a2", date(2024, 5, 1)),
        ("new", date(2026, 10, 1)),
    ]:
        store.create_agent(
            AgentIn(agent_id=agent, name=agent.upper(), team_id="t1", hire_date=hired)
        )
    yield Loop(store, clock)
    store.close()


def test_migrations_build_exactly_the_declared_schema(tmp_path):
    store = Store(str(tmp_path / "schema.db"))
    assert store.revision == "0002"
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    store.close()
    # Opening again runs no migration and keeps the data.
    again = Store(str(tmp_path / "schema.db"))
    assert again.revision == "0002"
    again.close()


def test_the_file_is_a_real_sqlite_database(loop, tmp_path):
    loop.call("a1", T0, ID)
    conn = sqlite3.connect(tmp_path / "coachloop.db")
    tables = {
        r[0] for r in conn.execute("select name from sqlite_master where type='table'")
    }
    assert {
        "calls",
        "criterion_results",
        "evidence",
        "utterances",
        "notes",
        "note_edits",
        "plans",
        "plan_criteria",
        "coaching_sessions",
        "flags",
        "managers",
        "teams",
        "agents",
        "alembic_version",
    } <= tables
    (n,) = conn.execute("select count(*) from criterion_results").fetchone()
    assert n == 9
    (n,) = conn.execute("select count(*) from utterances").fetchone()
    assert n == len(make_call([ID]).utterances)
    conn.close()


def test_the_same_call_id_twice_returns_the_stored_result(loop):
    first = loop.call("a1", T0, "recording-disclosure", call_id="dup-1")
    assert first.tier.level == 1 and len(first.notes) == 1
    assert first.notes[0].id.startswith("note_")
    stored = loop.store.stored_call("dup-1", "a1")
    assert stored == first
    with pytest.raises(Conflict, match="already stored for agent 'a1'"):
        loop.store.stored_call("dup-1", "a2")
    # A concurrent duplicate that slips past the first check is caught by
    # the unique key and answered with the stored call, not a second row.
    scored = loop.pipeline.score_call(
        CallRequest(
            metadata=CallMetadata(call_id="dup-1", agent_id="a1", started_at=T0),
            transcript=make_call(()),
        )
    )
    doc, created = loop.store.record_call(
        scored.document, lambda h: loop.pipeline.coach(scored, h)
    )
    assert not created and doc == first
    assert loop.store.get_agent("a1").calls == 1
    assert len(loop.store.queue("m1").notes) == 1


def test_tier_2_from_stored_history_and_the_note_goes_to_the_manager(loop):
    loop.call("a1", T0, ID)
    loop.call("a1", T0 + timedelta(days=2), ID)
    doc = loop.call("a1", T0 + timedelta(days=4), ID)
    assert doc.tier.level == 2
    queue = loop.store.queue("m1")
    assert [n.id for n in queue.notes] == [doc.notes[0].id]
    note = queue.notes[0]
    assert note.criterion_id == ID and note.tier == 2
    assert note.due_by == T0 + timedelta(days=4, hours=72)
    assert note.age_hours == pytest.approx(5 / 60, abs=0.01)
    assert not note.overdue and note.within_target is None
    assert loop.store.queue("m2").notes == []


def test_history_uses_call_time_not_arrival_order(loop):
    # Calls arrive late and out of order; only earlier call times count.
    loop.call("a1", T0 + timedelta(days=5), ID)
    loop.call("a1", T0 + timedelta(days=6), ID)
    early = loop.call("a1", T0, ID)
    assert early.tier.level is None
    third = loop.call("a1", T0 + timedelta(days=7), ID)
    assert third.tier.level == 2


def test_tier_3_and_4_from_the_roster_and_history(loop):
    doc = loop.call("new", T0, ID, "empathy", "further-help")
    assert doc.tier.level == 3
    loop.call("a2", T0)
    loop.call("a2", T0 + timedelta(hours=12))
    # At day 8 both calls are in the week before (a call exactly 7 days old
    # would already count in this week): 100 -> 85.
    doc = loop.call("a2", T0 + timedelta(days=8), "empathy")
    assert doc.tier.level == 4
    assert doc.notes[0].criterion_id == "empathy"


def test_queue_order_is_tier_then_due_by(loop):
    loop.call("a2", T0 + timedelta(hours=1), "greeting", "empathy")  # 75: tier 5
    loop.call("a1", T0 + timedelta(hours=2), "recording-disclosure")  # tier 1
    loop.call("new", T0, ID, "empathy", "further-help")  # tier 3
    queue = loop.store.queue("m1")
    assert [n.tier for n in queue.notes] == [1, 3, 3, 5, 5]
    dues = [n.due_by for n in queue.notes]
    assert dues[1] == dues[2] == T0 + timedelta(hours=72)


def test_note_review_keeps_every_edit_and_refuses_illegal_steps(loop):
    doc = loop.call("a1", T0, "recording-disclosure")
    note_id = doc.notes[0].id
    loop.clock.now = T0 + timedelta(hours=1)
    edited = loop.store.note_action(note_id, "edit", by="m1", text="First edit.")
    loop.clock.now = T0 + timedelta(hours=2)
    approved = loop.store.note_action(note_id, "approve", by="m1", text="Second edit.")
    assert approved.state == "approved" and approved.approved_by == "m1"
    assert [(e.before, e.after) for e in approved.edits] == [
        (doc.notes[0].text, "First edit."),
        ("First edit.", "Second edit."),
    ]
    assert edited.edits[0].at == T0 + timedelta(hours=1)
    assert approved.draft.text == doc.notes[0].text  # the draft is never changed
    loop.clock.now = T0 + timedelta(hours=5)
    sent = loop.store.note_action(note_id, "send", by="m1")
    assert sent.sent_at == T0 + timedelta(hours=5)
    assert sent.age_hours == 5.0 and sent.overdue and sent.within_target is True
    with pytest.raises(Conflict) as info:
        loop.store.note_action(note_id, "edit", by="m1", text="Too late.")
    assert info.value.details["state"] == "sent"
    done = loop.store.note_action(note_id, "acknowledge", by="a1")
    assert done.state == "acknowledged"
    for action in ("approve", "send", "acknowledge", "dismiss"):
        with pytest.raises(Conflict, match="is acknowledged"):
            loop.store.note_action(note_id, action, by="m1", reason="x")
    with pytest.raises(NotFound):
        loop.store.note_action("note_missing", "approve", by="m1")
    assert loop.store.queue("m1").notes == []
    everything = loop.store.queue("m1", ("acknowledged",))
    assert [n.id for n in everything.notes] == [note_id]


def test_undelivered_note_past_48_hours_misses_the_target(loop):
    doc = loop.call("a1", T0, "recording-disclosure")
    loop.clock.now = T0 + timedelta(hours=49)
    note = loop.store.get_note(doc.notes[0].id)
    assert note.overdue and note.within_target is False and note.age_hours == 49.0
    dismissed = loop.store.note_action(
        doc.notes[0].id, "dismiss", by="m1", reason="calibration call"
    )
    assert dismissed.dismiss_reason == "calibration call" and not dismissed.overdue


def test_unrostered_agent_is_stored_and_routed_once_placed(loop):
    doc = loop.call("stranger", T0, "recording-disclosure")
    assert any("not in the roster" in w for w in doc.warnings)
    assert all(n.manager_id is None for n in loop.store.queue("m1").notes) is True
    assert loop.store.queue("m1").notes == []
    loop.store.create_agent(AgentIn(agent_id="stranger", name="S", team_id="t1"))
    assert [n.id for n in loop.store.queue("m1").notes] == [doc.notes[0].id]


def test_org_updates_and_errors(loop):
    loop.store.create_team(TeamIn(team_id="t2", name="Sales", manager_id="m2"))
    moved = loop.store.update_agent("a2", AgentPatch(team_id="t2"))
    assert moved.manager_id == "m2"
    assert loop.store.get_team("t2").agents == ["a2"]
    with pytest.raises(BadRequest, match="team 'nope'"):
        loop.store.update_agent("a2", AgentPatch(team_id="nope"))
    with pytest.raises(NotFound, match="agent 'ghost'"):
        loop.store.get_agent("ghost")


def plan_calls(loop, agent, start, statuses, step=timedelta(days=1)):
    """One call per status: 'met' is a clean call, 'missed' misses empathy."""
    t = start
    for status in statuses:
        loop.call(agent, t, *(["empathy"] if status == "missed" else []))
        t += step
    return t


def test_plan_criteria_rules(loop):
    plan_calls(loop, "a1", T0, ["missed"] * 3)
    with pytest.raises(BadRequest, match="one or two criteria, got 3"):
        loop.store.create_plan(
            PlanIn(agent_id="a1", criteria=["empathy", "greeting", ID])
        )
    with pytest.raises(BadRequest, match="no results on any stored call"):
        loop.store.create_plan(PlanIn(agent_id="a1", criteria=["made-up"]))
    with pytest.raises(BadRequest, match="exactly one of calls"):
        loop.store.create_plan(
            PlanIn(agent_id="a1", criteria=["empathy"], window=WindowIn())
        )
    plan = loop.store.create_plan(PlanIn(agent_id="a1"))
    assert plan.suggested and [c.criterion_id for c in plan.criteria] == ["empathy"]
    assert (
        plan.criteria[0].baseline.n == 3 and plan.criteria[0].baseline_requested == 10
    )
    with pytest.raises(Conflict, match="already has open plan"):
        loop.store.create_plan(PlanIn(agent_id="a1", criteria=["empathy"]))


def test_an_effective_plan_with_a_session(loop):
    end = plan_calls(loop, "a1", T0, ["missed", "met", "missed", "missed"])
    plan = loop.store.create_plan(
        PlanIn(
            agent_id="a1",
            criteria=["empathy"],
            starts_at=end,
            target=TargetIn(met_rate=0.8),
            window=WindowIn(calls=5),
        )
    )
    first = loop.store.get_call("a1-1")
    session = loop.store.add_session(
        plan.id,
        SessionIn(
            held_at=end,
            call_id="a1-1",
            start=0.0,
            end=12.5,
            commitment="I will name the frustration before I fix anything.",
        ),
    )
    assert session.excerpt.end == 12.5
    with pytest.raises(BadRequest, match="duration"):
        loop.store.add_session(
            plan.id,
            SessionIn(
                held_at=end,
                call_id="a1-1",
                start=0,
                end=first.duration + 5,
                commitment="x",
            ),
        )
    plan_calls(
        loop, "a1", end + timedelta(hours=1), ["met", "met", "missed", "met", "met"]
    )
    done = loop.store.get_plan(plan.id)
    outcome = done.criteria[0]
    assert done.state == "closed"
    assert outcome.verdict == "effective"
    assert (outcome.baseline.met, outcome.baseline.n) == (1, 4)
    assert (outcome.window.met, outcome.window.n) == (4, 5)
    assert outcome.difference == 0.55
    assert [p.status for p in outcome.series] == ["met", "met", "missed", "met", "met"]
    assert len(done.sessions) == 1


def test_two_failed_cycles_escalate_with_the_evidence(loop):
    t = plan_calls(loop, "a2", T0, ["missed", "missed", "met"])
    loop.call("a1", T0, "empathy")  # a peer
    first = loop.store.create_plan(
        PlanIn(
            agent_id="a2", criteria=["empathy"], starts_at=t, window=WindowIn(calls=5)
        )
    )
    t = plan_calls(loop, "a2", t, ["missed", "met", "missed", "missed", "met"])
    assert loop.store.get_plan(first.id).criteria[0].verdict == "not_effective"
    assert loop.store.queue("m1").flags == []
    second = loop.store.create_plan(
        PlanIn(
            agent_id="a2", criteria=["empathy"], starts_at=t, window=WindowIn(calls=10)
        )
    )
    # Two weeks in with no improvement: adjust the approach, once.
    t = plan_calls(loop, "a2", t, ["missed"] * 7, step=timedelta(days=2.5))
    flags = loop.store.queue("m1").flags
    assert [f.kind for f in flags] == ["adjust"]
    assert flags[0].plan_id == second.id
    assert "Adjust the approach" in flags[0].message
    plan_calls(loop, "a2", t, ["missed"] * 3)
    done = loop.store.get_plan(second.id)
    assert done.criteria[0].verdict == "not_effective"
    flags = loop.store.queue("m1").flags
    assert [f.kind for f in flags] == ["escalation", "adjust"]
    escalation = flags[0]
    assert "Escalation recommended" in escalation.message
    assert [c["plan_id"] for c in escalation.details["cycles"]] == [first.id, second.id]
    checks = escalation.details["process_checks"]
    assert checks["sessions_held"] == {first.id: 0, second.id: 0}
    assert checks["notes_sent_within_48h"] == 0
    assert set(checks["call_mix_changed"]) == {first.id, second.id}


def test_an_effective_cycle_between_failures_does_not_escalate(loop):
    t = plan_calls(loop, "a2", T0, ["missed"] * 2)
    for statuses in (["missed"] * 5, ["met"] * 5, ["missed"] * 5):
        loop.store.create_plan(
            PlanIn(
                agent_id="a2",
                criteria=["empathy"],
                starts_at=t,
                window=WindowIn(calls=5),
            )
        )
        t = plan_calls(loop, "a2", t, statuses)
    assert [f.kind for f in loop.store.queue("m1").flags] == []


def test_trend_is_weekly_in_call_time(loop):
    plan_calls(loop, "a1", T0, ["missed", "met", "met"])  # Mon-Wed week 1
    loop.call("a1", T0 + timedelta(days=14), "empathy")  # week 3
    trend = loop.store.trend("a1", "empathy")
    assert [(w.week_start, w.calls, w.met, w.met_rate) for w in trend.weeks] == [
        (date(2026, 11, 2), 3, 2, 0.6667),
        (date(2026, 11, 9), 0, 0, None),
        (date(2026, 11, 16), 1, 0, 0.0),
    ]
    assert trend.weeks[0].mean_score == pytest.approx((85 + 100 + 100) / 3, abs=0.01)


def test_concurrent_writers_each_store_their_call(loop):
    errors = []

    def worker(i):
        try:
            loop.call(
                f"a{1 + i % 2}", T0 + timedelta(minutes=i), ID, call_id=f"par-{i}"
            )
        except Exception as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with loop.store.engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from calls")).scalar()
    assert n == 8


def test_fractional_seconds_do_not_move_a_call_out_of_the_window(loop):
    ms = timedelta(milliseconds=700)
    loop.call("a1", T0 + ms, ID)
    loop.call("a1", T0 + timedelta(days=2), ID)
    doc = loop.call("a1", T0 + timedelta(days=7) + ms, ID)
    assert doc.started_at == "2026-11-09T09:00:00+00:00"
    assert doc.tier.level == 2


def test_open_notes_follow_a_manager_change_and_sent_ones_stay(loop):
    sent = loop.call("a1", T0, "recording-disclosure").notes[0].id
    loop.store.note_action(sent, "approve", by="m1")
    loop.store.note_action(sent, "send", by="m1")
    waiting = (
        loop.call("a1", T0 + timedelta(hours=1), "recording-disclosure").notes[0].id
    )
    loop.store.update_team("t1", TeamPatch(manager_id="m2"))
    assert [n.id for n in loop.store.queue("m2").notes] == [waiting]
    assert loop.store.queue("m1", ("sent",)).notes[0].id == sent


def test_a_partial_roster_keeps_what_it_leaves_out(loop):
    loop.store.import_roster(Roster(agents=[AgentIn(agent_id="a1", name="Renamed")]))
    agent = loop.store.get_agent("a1")
    assert (agent.name, agent.team_id, agent.hire_date) == (
        "Renamed",
        "t1",
        date(2024, 3, 1),
    )
    with pytest.raises(BadRequest, match="lists team t9 more than once"):
        loop.store.import_roster(
            Roster(
                teams=[
                    TeamIn(team_id="t9", name="A", manager_id="m1"),
                    TeamIn(team_id="t9", name="B", manager_id="m2"),
                ]
            )
        )
    with pytest.raises(BadRequest, match="more than a year from now"):
        loop.store.update_agent("a1", AgentPatch(hire_date=date(2099, 1, 1)))


def test_a_plan_whose_window_is_already_full_is_judged_at_once(loop):
    plan_calls(loop, "a1", T0, ["missed"] * 3 + ["met"] * 5)
    plan = loop.store.create_plan(
        PlanIn(
            agent_id="a1",
            criteria=["empathy"],
            starts_at=T0 + timedelta(days=3),
            window=WindowIn(calls=5),
        )
    )
    assert plan.state == "closed"
    assert plan.criteria[0].verdict == "effective"


def test_queue_refuses_unknown_states(loop):
    with pytest.raises(BadRequest, match="note states are"):
        loop.store.queue("m1", ("bogus",))


def test_a_store_at_revision_0001_upgrades_with_its_data(tmp_path):
    from alembic import command
    from coachloop.store._migrate import alembic_config, create_engine

    path = tmp_path / "old.db"
    engine = create_engine(str(path))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into managers (manager_id, name, created_at) "
                "values ('m9', 'Old', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()
    store = Store(str(path))
    assert store.revision == "0002"
    assert store.get_manager("m9").name == "Old"
    store.close()
