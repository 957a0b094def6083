"""`coachloop org import | queue | note | plan | demo loop` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from coachloop.demo import make_call
from coachloop.errors import BadRequest
from coachloop.roster import parse_csv
from coachloop.store import Store

ROSTER_YAML = """
managers:
  - {manager_id: m1, name: Maya Ortiz}
teams:
  - {team_id: t1, name: Billing, manager_id: m1}
agents:
  - {agent_id: a1, name: Ann Lee, team_id: t1, hire_date: 2024-02-01}
  - {agent_id: a2, name: Bo Chen, team_id: t1, hire_date: 2026-10-01}
"""

ROSTER_CSV = """agent_id,name,team_id,team_name,manager_id,manager_name,hire_date
a3,Cy Diaz,t2,Sales,m2,Lee Park,2025-05-05
a4,Di Eze,t2,Sales,m2,Lee Park,
a1,Ann Lee,t1,Billing,m1,Maya Ortiz,2024-02-01
"""


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "coachloop", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(tmp_path):
    (tmp_path / "org.yaml").write_text(ROSTER_YAML)
    path = tmp_path / "store.db"
    out = cli("org", "import", str(tmp_path / "org.yaml"), "--db", str(path))
    assert "managers: 1 created, 0 updated; teams: 1 created" in out.stdout
    return path


def test_org_import_yaml_then_csv_updates(db, tmp_path):
    (tmp_path / "org.csv").write_text(ROSTER_CSV)
    out = cli("org", "import", str(tmp_path / "org.csv"), "--db", str(db))
    assert out.stdout.strip().endswith(
        "managers: 1 created, 1 updated; teams: 1 created, 1 updated; "
        "agents: 2 created, 1 updated"
    )
    store = Store(str(db))
    try:
        assert store.get_agent("a3").manager_id == "m2"
        assert store.get_agent("a4").hire_date is None
        assert store.get_team("t2").name == "Sales"
    finally:
        store.close()


def test_bad_roster_files_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("agents:\n  - {agent_id: a1}\n")
    out = cli("org", "import", str(bad), "--db", str(tmp_path / "s.db"), check=False)
    assert out.returncode == 2
    assert "Object missing required field `name` - at `$.agents[0]`" in out.stderr
    missing = cli(
        "org",
        "import",
        str(tmp_path / "nope.csv"),
        "--db",
        str(tmp_path / "s.db"),
        check=False,
    )
    assert missing.returncode == 2 and "cannot read roster" in missing.stderr
    with pytest.raises(BadRequest, match="line 3: team 't1' has manager 'm1'"):
        parse_csv("agent_id,name,team_id,manager_id\na,A,t1,m1\nb,B,t1,m2\n")
    with pytest.raises(BadRequest, match=r"unknown \['shoe_size'\]"):
        parse_csv("agent_id,name,shoe_size\na,A,9\n")
    with pytest.raises(BadRequest, match="line 2: 2 more cells than the header"):
        parse_csv("agent_id,name\na,A,x,y\n")
    with pytest.raises(BadRequest, match="manager 'm1' is named 'Maya'"):
        parse_csv(
            "agent_id,name,team_id,manager_id,manager_name\n"
            "a,A,t1,m1,Maya\nb,B,t1,m1,Mia\n"
        )
    utf16 = tmp_path / "u16.csv"
    utf16.write_text("agent_id,name\na,A\n", encoding="utf-16")
    out = cli("org", "import", str(utf16), "--db", str(tmp_path / "s.db"), check=False)
    assert out.returncode == 2 and "is not UTF-8 text" in out.stderr


def test_queue_note_and_plan_commands(db):
    store = Store(str(db))
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry

    pipeline = Pipeline(registry=RubricRegistry())
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    for i in range(3):
        meta = CallMetadata(
            call_id=f"c{i}", agent_id="a2", started_at=t0 + timedelta(days=i)
        )
        scored = pipeline.score_call(
            CallRequest(
                metadata=meta,
                transcript=make_call(["identity-verification", "empathy", "greeting"]),
            )
        )
        store.record_call(scored.document, lambda h, s=scored: pipeline.coach(s, h))
    store.close()

    out = cli("queue", "m1", "--db", str(db))
    assert out.stdout.startswith("Queue of Maya Ortiz (m1)")
    assert "tier 2 This week" in out.stdout and "agent a2" in out.stdout
    queue = json.loads(cli("queue", "m1", "--json", "--db", str(db)).stdout)
    assert [n["tier"] for n in queue["notes"]] == [2, 2, 3, 3, 3, 3]
    note_id = queue["notes"][0]["id"]

    refused = cli("note", "send", note_id, "--by", "m1", "--db", str(db), check=False)
    assert refused.returncode == 2
    assert (
        f"note {note_id} is draft; send needs a note that is approved" in refused.stderr
    )
    approved = cli(
        "note", "approve", note_id, "--by", "m1", "--text", "Edited.", "--db", str(db)
    )
    assert approved.stdout.startswith(f"note {note_id}: approved\nEdited.")

    plan = json.loads(
        cli(
            "plan",
            "create",
            "a2",
            "--criteria",
            "empathy",
            "--calls",
            "5",
            "--json",
            "--db",
            str(db),
        ).stdout
    )
    assert plan["criteria"][0]["baseline"]["n"] == 3
    shown = cli("plan", "show", plan["id"], "--db", str(db)).stdout
    assert "Empathy (empathy): OPEN" in shown
    assert "baseline 0 of 3 met (0%, last 10 asked)" in shown
    session = cli(
        "plan",
        "session",
        plan["id"],
        "--held-at",
        "2026-11-05T10:00:00Z",
        "--call-id",
        "c0",
        "--start",
        "1",
        "--end",
        "20",
        "--commitment",
        "I will name the frustration first.",
        "--db",
        str(db),
    )
    assert session.stdout.startswith("session session_")
    three = cli(
        "plan", "create", "a2", "--criteria", "a,b,c", "--db", str(db), check=False
    )
    assert three.returncode == 2 and "one or two criteria, got 3" in three.stderr
    listed = cli("plan", "list", "a2", "--db", str(db)).stdout
    assert "commitment: I will name the frustration first." in listed


def test_demo_loop_shows_every_tier_an_effective_plan_and_an_escalation(tmp_path):
    out = cli("demo", "loop", "--db", str(tmp_path / "demo.db"))
    text = out.stdout
    for level in range(1, 6):
        assert f"tier {level}: " in text
    assert "EFFECTIVE" in text and "NOT_EFFECTIVE" in text
    assert "[ESCALATION] agent eli" in text and "[ADJUST] agent eli" in text
    assert "FAIL" not in text
    again = cli("demo", "loop", "--db", str(tmp_path / "demo.db"), check=False)
    assert again.returncode == 2 and "exists" in again.stdout


def test_demo_loop_json_reasons(tmp_path):
    out = cli("demo", "loop", "--json", "--db", str(tmp_path / "d.db"))
    summary = json.loads(out.stdout)
    assert all(summary["checks"].values())
    tiers = summary["tiers"]
    assert (
        tiers["1"][0]["reasons"][0]
        == "auto-fail criterion missed: Recording disclosure"
    )
    assert any(
        r["agent"] == "cara" and r["reasons"][0].startswith("new agent (31 days")
        for r in tiers["3"]
    )
    dev = next(r for r in tiers["4"] if r["agent"] == "dev")
    assert dev["reasons"][0].startswith("mean score fell 15.0 points")
    assert tiers["5"][0]["reasons"] == ["score 75 is below the threshold 80"]
    eli = summary["plans"]["eli-2"]["criteria"][0]
    assert eli["verdict"] == "not_effective" and eli["window"]["n"] == 10
    escalation = next(f for f in summary["queue"]["flags"] if f["kind"] == "escalation")
    checks = escalation["details"]["process_checks"]
    assert list(checks["sessions_held"].values()) == [1, 1]
    assert checks["notes_sent_within_48h"] < checks["notes"]
    assert msgspec.json.decode(msgspec.json.encode(summary)) == summary
