"""The coaching loop over REST, against a real server and a real SQLite file."""

from __future__ import annotations

import concurrent.futures
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from coachloop.demo import make_call
from coachloop_client import CoachloopHTTPError, RestClient
from conftest import FIXTURES
from servers import serve

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def transcript(*missed: str) -> dict:
    return msgspec.to_builtins(make_call(missed))


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("api")
    db = workdir / "coachloop.db"
    with serve(workdir, "--db", str(db)) as running, RestClient(running.base) as rest:
        rest.post("/v1/managers", {"manager_id": "m1", "name": "Maya Ortiz"})
        rest.post("/v1/managers", {"manager_id": "m2", "name": "Lee Park"})
        rest.post("/v1/teams", {"team_id": "t1", "name": "Billing", "manager_id": "m1"})
        for agent, hired in [
            ("a1", "2024-01-08"),
            ("a2", "2024-01-08"),
            ("new", "2026-09-01"),
        ]:
            rest.post(
                "/v1/agents",
                {
                    "agent_id": agent,
                    "name": agent.title(),
                    "team_id": "t1",
                    "hire_date": hired,
                },
            )
        yield rest, db, running


def record(rest, call_id, agent, at, *missed, **extra):
    return rest.record_transcript(
        transcript(*missed),
        call_id=call_id,
        agent_id=agent,
        started_at=at.isoformat(),
        call_type=extra.pop("call_type", "billing"),
        rubric="customer-service",
        **extra,
    )


def error(fn, *args, **kwargs) -> CoachloopHTTPError:
    with pytest.raises(CoachloopHTTPError) as info:
        fn(*args, **kwargs)
    return info.value


def test_org_crud_and_its_errors(api):
    rest, _, _ = api
    assert rest.get("/v1/managers/m1") == {
        "manager_id": "m1",
        "name": "Maya Ortiz",
        "teams": ["t1"],
    }
    assert rest.get("/v1/teams/t1")["agents"] == ["a1", "a2", "new"]
    agent = rest.get("/v1/agents/new")
    assert agent == {
        "agent_id": "new",
        "name": "New",
        "team_id": "t1",
        "manager_id": "m1",
        "hire_date": "2026-09-01",
        "calls": 0,
    }
    assert (
        rest.patch("/v1/managers/m2", {"name": "Lee J. Park"})["name"] == "Lee J. Park"
    )
    e = error(rest.post, "/v1/managers", {"manager_id": "m1", "name": "Again"})
    assert (e.status, e.detail) == (409, "manager 'm1' already exists")
    e = error(rest.get, "/v1/agents/ghost")
    assert (e.status, e.detail) == (404, "agent 'ghost' does not exist")
    e = error(
        rest.post, "/v1/teams", {"team_id": "t9", "name": "X", "manager_id": "zz"}
    )
    assert e.status == 400 and "manager 'zz'" in e.detail
    e = error(
        rest.post, "/v1/agents", {"agent_id": "x", "name": "X", "hire_date": "soon"}
    )
    assert e.status == 400 and "hire_date" in e.detail
    e = error(rest.post, "/v1/agents", {"agent_id": "bad id", "name": "X"})
    assert e.status == 400 and "agent_id" in e.detail
    assert [m["manager_id"] for m in rest.get("/v1/managers")] == ["m1", "m2"]


def test_post_calls_stores_triages_and_routes(api):
    rest, db, _ = api
    first = record(rest, "c-1", "a1", T0, "identity-verification")
    assert first["tier"]["level"] is None and first["notes"] == []
    record(rest, "c-2", "a1", T0 + timedelta(days=1), "identity-verification")
    third = record(rest, "c-3", "a1", T0 + timedelta(days=2), "identity-verification")
    assert third["tier"]["level"] == 2
    assert third["tier"]["due_by"] == "2026-11-07T09:00:00+00:00"
    assert third["call_type"] == "billing"
    note_id = third["notes"][0]["id"]
    assert rest.get("/v1/calls/c-3") == third
    queue = rest.queue("m1")
    assert note_id in [n["id"] for n in queue["notes"]]
    assert rest.queue("m2")["notes"] == []
    # The real file holds the rows.
    conn = sqlite3.connect(db)
    (state,) = conn.execute(
        "select state from notes where note_id=?", (note_id,)
    ).fetchone()
    (n,) = conn.execute(
        "select count(*) from criterion_results where call_id='c-3'"
    ).fetchone()
    conn.close()
    assert (state, n) == ("draft", 9)


def test_the_same_call_id_twice_is_scored_once(api):
    rest, db, running = api
    first = record(rest, "twice", "a2", T0, "recording-disclosure")
    again = record(rest, "twice", "a2", T0, "recording-disclosure")
    assert again == first
    raw = rest._http.post(
        "/v1/calls",
        json={"call_id": "twice", "agent_id": "a2", "transcript": transcript()},
    )
    assert raw.status_code == 200 and raw.json() == first
    assert (
        rest._http.post(
            "/v1/calls",
            json={"call_id": "once", "agent_id": "a2", "transcript": transcript()},
        ).status_code
        == 201
    )
    e = error(record, rest, "twice", "a1", T0)
    assert e.status == 409 and "already stored for agent 'a2'" in e.detail
    conn = sqlite3.connect(db)
    (n,) = conn.execute("select count(*) from calls where call_id='twice'").fetchone()
    (notes,) = conn.execute(
        "select count(*) from notes where call_id='twice'"
    ).fetchone()
    conn.close()
    assert (n, notes) == (1, 1)
    log = running.log_path.read_text()
    assert "call_id=twice agent_id=a2" in log and "status=duplicate" in log


def test_post_calls_with_audio_and_a_metadata_part(api):
    rest, _, _ = api
    doc = rest.record_audio(
        (FIXTURES / "billing_interrupt.flac").read_bytes(),
        filename="call.flac",
        call_id="audio-1",
        agent_id="new",
        started_at="2026-11-20T10:00:00Z",
    )
    assert doc["source"]["kind"] == "audio"
    assert doc["tier"]["level"] == 1
    assert rest.get("/v1/calls/audio-1")["notes"] == doc["notes"]
    assert rest.get("/v1/agents/new")["calls"] == 1


def test_bad_call_requests(api):
    rest, _, _ = api
    e = error(rest.record_transcript, transcript())
    assert (e.status, e.detail) == (400, "a call to store needs an agent_id")
    e = error(
        rest.record_transcript, transcript(), agent_id="a1", started_at="yesterday"
    )
    assert e.status == 400 and "started_at" in e.detail
    e = error(rest.record_transcript, transcript(), agent_id="a1", rubric="nope")
    assert e.status == 404
    e = error(rest.get, "/v1/calls/never")
    assert (e.status, e.detail) == (404, "call 'never' is not stored")
    for when in (
        "9999-12-31T23:00:00Z",
        "0001-01-01T00:00:00Z",
        "2062-11-12T10:00:00Z",
    ):
        e = error(rest.record_transcript, transcript(), agent_id="a1", started_at=when)
        assert e.status == 400 and "not a plausible call time" in e.detail
    e = error(rest.record_transcript, transcript(), call_id="a/b", agent_id="a1")
    assert e.status == 400 and "call_id" in e.detail
    e = error(rest.record_transcript, transcript(), call_id="x\nforged", agent_id="a1")
    assert e.status == 400
    huge = {
        "utterances": [
            {"speaker": "agent", "start": 0, "end": 5, "text": "word " * 3000}
        ],
        "duration": 10,
    }
    e = error(rest.record_transcript, huge, agent_id="a1")
    assert e.status == 400 and "at most 2000 per utterance" in e.detail
    e = error(
        rest.post,
        "/v1/plans",
        {
            "agent_id": "a1",
            "criteria": ["empathy"],
            "starts_at": "9999-12-31T00:00:00Z",
        },
    )
    assert e.status == 400 and "starts_at" in e.detail


def test_concurrent_duplicates_are_scored_once(api):
    rest, _, running = api
    body = {
        "call_id": "burst-1",
        "agent_id": "a2",
        "transcript": transcript("empathy"),
        "started_at": "2026-11-25T09:00:00Z",
    }

    def post(_):
        return rest._http.post("/v1/calls", json=body)

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(post, range(6)))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
    assert len({json.dumps(r.json(), sort_keys=True) for r in responses}) == 1
    lines = [
        x for x in running.log_path.read_text().splitlines() if "call_id=burst-1" in x
    ]
    assert sum("status=stored" in x for x in lines) == 1
    assert sum("status=duplicate" in x for x in lines) == 5


def test_note_review_over_rest_with_409s(api):
    rest, _, _ = api
    doc = record(rest, "review-1", "a2", T0 + timedelta(days=3), "recording-disclosure")
    note_id = doc["notes"][0]["id"]
    e = error(rest.note_action, note_id, "send", by="m1")
    assert e.status == 409
    assert e.body["state"] == "draft" and e.body["error"] == "Conflict"
    e = error(rest.note_action, note_id, "acknowledge", by="a2")
    assert e.status == 409 and e.body["state"] == "draft"
    edited = rest.patch(f"/v1/notes/{note_id}", {"text": "Short note.", "author": "m1"})
    assert edited["text"] == "Short note." and edited["edits"][0]["author"] == "m1"
    assert rest.note_action(note_id, "approve", by="m1")["state"] == "approved"
    e = error(rest.note_action, note_id, "approve", by="m1")
    assert e.status == 409 and e.body["state"] == "approved"
    sent = rest.note_action(note_id, "send", by="m1")
    assert sent["state"] == "sent" and sent["sent_at"] is not None
    e = error(rest.patch, f"/v1/notes/{note_id}", {"text": "Later.", "author": "m1"})
    assert e.status == 409 and e.body["state"] == "sent"
    e = error(rest.note_action, note_id, "dismiss", by="m1", reason="x")
    assert e.status == 409 and e.body["state"] == "sent"
    assert rest.note_action(note_id, "acknowledge", by="a2")["state"] == "acknowledged"
    e = error(rest.note_action, note_id, "dismiss", by="m1")
    assert e.status == 400 and "reason" in e.detail
    e = error(rest.note_action, "note_nope", "approve", by="m1")
    assert e.status == 404
    history = rest.queue("m1", state="acknowledged")["notes"]
    assert [n["id"] for n in history] == [note_id]
    e = error(rest.queue, "m1", "drafted")
    assert e.status == 400 and "state must be" in e.detail
    e = error(rest.queue, "ghost")
    assert e.status == 404


def test_plans_sessions_and_trend_over_rest(api):
    rest, _, _ = api
    rest.post(
        "/v1/agents",
        {
            "agent_id": "planner",
            "name": "P",
            "team_id": "t1",
            "hire_date": "2026-09-01",
        },
    )
    t = T0 + timedelta(days=10)
    for i, missed in enumerate([("empathy",), ("empathy",), ()]):
        record(rest, f"p-{i}", "planner", t + timedelta(hours=i), *missed)
    e = error(
        rest.post,
        "/v1/plans",
        {"agent_id": "planner", "criteria": ["empathy", "greeting", "dead-air"]},
    )
    assert e.status == 400 and "one or two criteria, got 3" in e.detail
    plan = rest.post(
        "/v1/plans",
        {
            "agent_id": "planner",
            "criteria": ["empathy"],
            "target": {"met_rate": 0.8},
            "window": {"calls": 5},
            "starts_at": (t + timedelta(hours=5)).isoformat(),
        },
    )
    assert plan["criteria"][0]["baseline"]["n"] == 3
    assert plan["criteria"][0]["baseline"]["met"] == 1
    session = rest.post(
        f"/v1/plans/{plan['id']}/sessions",
        {
            "held_at": (t + timedelta(hours=6)).isoformat(),
            "call_id": "p-0",
            "start": 5.0,
            "end": 25.0,
            "commitment": "I will acknowledge the frustration before the fix.",
        },
    )
    assert session["excerpt"] == {"start": 5.0, "end": 25.0}
    e = error(
        rest.post,
        f"/v1/plans/{plan['id']}/sessions",
        {
            "held_at": t.isoformat(),
            "call_id": "c-1",
            "start": 0,
            "end": 5,
            "commitment": "x",
        },
    )
    assert e.status == 400 and "not the plan's agent" in e.detail
    for i in range(5):
        record(rest, f"q-{i}", "planner", t + timedelta(days=1, hours=i))
    done = rest.get(f"/v1/plans/{plan['id']}")
    assert done["state"] == "closed"
    assert done["criteria"][0]["verdict"] == "effective"
    assert done["criteria"][0]["window"]["met"] == 5
    trend = rest.get("/v1/agents/planner/trend", criterion="empathy")
    assert trend["criterion_id"] == "empathy"
    assert sum(w["calls"] for w in trend["weeks"]) == 8
    assert sum(w["judged"] for w in trend["weeks"]) == 8
    assert [p["id"] for p in rest.get("/v1/agents/planner/plans")] == [plan["id"]]
    e = error(rest.get, "/v1/plans/plan_nope")
    assert e.status == 404


def test_healthz_reports_the_store(api):
    rest, db, running = api
    store = rest.health()["store"]
    assert store["schema_revision"] == "0002"
    assert store["url"].endswith(str(db))
    # Every successful request that is not a call gets its own log line.
    log = running.log_path.read_text()
    assert "endpoint=rest method=GET path=/healthz status=200" in log
    assert "endpoint=rest method=POST path=/v1/managers status=201" in log


def test_org_import_over_rest(api):
    rest, _, _ = api
    summary = rest.post(
        "/v1/org:import",
        {
            "managers": [{"manager_id": "m3", "name": "Ada"}],
            "teams": [{"team_id": "t3", "name": "Sales", "manager_id": "m3"}],
            "agents": [
                {"agent_id": "a1", "name": "A One", "team_id": "t1"},
                {"agent_id": "s1", "name": "S One", "team_id": "t3"},
            ],
        },
    )
    assert summary == {
        "created": {"managers": 1, "teams": 1, "agents": 1},
        "updated": {"managers": 0, "teams": 0, "agents": 1},
    }


def test_a_server_without_a_store_says_so(tmp_path):
    with serve(tmp_path, "--no-store") as running, RestClient(running.base) as rest:
        e = error(rest.record_transcript, transcript(), agent_id="a1")
        assert e.status == 400 and "--db" in e.detail
        assert rest.health()["store"] is None
        assert rest.score_transcript(transcript())["scorecard"]["score"] == 100.0
    assert not (tmp_path / "coachloop.db").exists()
