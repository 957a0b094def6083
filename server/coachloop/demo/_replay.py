"""``coachloop demo loop``: four weeks of one team's calls, replayed in call time.

The replay goes through the real pipeline and a real store (SQLite), on a
simulated clock, so every tier, note, plan verdict and flag below is what the
server would produce for the same calls. The cast:

- ana (tenured) skips the recording line once: tier 1;
- ben (tenured) misses identity verification three times in four days:
  tier 2; a plan on it is judged effective;
- cara (hired 30 days before) scores 65: tier 3;
- dev (tenured) falls from 100 to 85 week over week: tier 4;
- fay (tenured) has one 75 among clean calls: tier 5;
- eli (tenured) keeps missing empathy through two plans: "adjust the
  approach" two weeks into the second, then an escalation.

The manager reviews her queue every afternoon (eli's notes only every third
day) until day 25; two calls after that leave notes waiting in the final
queue, with their age and whether they are overdue.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from coachloop.demo._calls import make_call
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.records import (
    AgentIn,
    ManagerIn,
    PlanIn,
    PlanOut,
    SessionIn,
    TargetIn,
    TeamIn,
    WindowIn,
)
from coachloop.report import render_plan, render_queue
from coachloop.rubrics import RubricRegistry
from coachloop.store import Store

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""A Monday; the replay covers the 28 days from here."""
MANAGER = "maya"
EMPATHY = "empathy"
IDENTITY = "identity-verification"
TENURED = date(2023, 4, 3)

AGENTS = {
    "ana": ("Ana Silva", TENURED),
    "ben": ("Ben Okafor", TENURED),
    "cara": ("Cara Jensen", (START - timedelta(days=30)).date()),
    "dev": ("Dev Patel", TENURED),
    "eli": ("Eli Moreau", TENURED),
    "fay": ("Fay Liu", TENURED),
}


@dataclasses.dataclass(order=True)
class Event:
    at: datetime
    order: int
    action: Callable[[], None] = dataclasses.field(compare=False)


def _calls() -> list[tuple[str, float, tuple[str, ...], str]]:
    """(agent, day offset, missed criteria, call type)."""
    out: list[tuple[str, float, tuple[str, ...], str]] = []
    for day in range(0, 28, 2):
        out.append(
            ("ana", day, ("recording-disclosure",) if day == 4 else (), "billing")
        )
    for day, missed in [(0, (IDENTITY,)), (1, ()), (2, (IDENTITY,)), (3, (IDENTITY,))]:
        out.append(("ben", day, missed, "billing"))
    for day in (7.1, 8, 9, 10, 11, 14, 16, 18):
        out.append(("ben", day, (IDENTITY,) if day == 9 else (), "billing"))
    out.append(("cara", 1, (IDENTITY, EMPATHY, "further-help"), "billing"))
    for day in (3, 6, 9, 13, 17, 21):
        out.append(("cara", day, (), "billing"))
    for day in (1, 2, 3):
        out.append(("dev", day, (), "billing"))
    out += [("dev", 10, (EMPATHY,), "billing"), ("dev", 11, (EMPATHY,), "billing")]
    for day in (0, 2, 4, 7):
        out.append(("fay", day, (), "billing"))
    out.append(("fay", 9, ("greeting", EMPATHY), "billing"))
    # After the manager's last review: these wait in the final queue.
    out.append(("dev", 25, ("recording-disclosure",), "billing"))
    out.append(("fay", 26, ("greeting", EMPATHY), "billing"))
    # eli: a baseline of missed empathy, a first 5-call cycle, then a second
    # cycle of 10 calls spread over more than two weeks, with a shift towards
    # complaint calls.
    for day in (0, 1, 2, 3, 4):
        out.append(("eli", day, () if day == 2 else (EMPATHY,), "billing"))
    for day in (5.1, 5.5, 6, 6.5, 7):
        out.append(("eli", day, () if day == 6 else (EMPATHY,), "billing"))
    for k in range(1, 11):
        kind = "complaint" if k % 2 else "billing"
        out.append(("eli", 7.5 + 1.6 * k, () if k == 4 else (EMPATHY,), kind))
    return out


class Replay:
    def __init__(self, db: str) -> None:
        self.now = START
        self.store = Store(db, clock=lambda: self.now)
        self.pipeline = Pipeline(registry=RubricRegistry())
        self.tiers: dict[int, list[tuple[str, str, list[str]]]] = {}
        self.plans: dict[str, str] = {}
        self.log: list[str] = []

    def seed(self) -> None:
        self.store.create_manager(ManagerIn(manager_id=MANAGER, name="Maya Ortiz"))
        self.store.create_team(
            TeamIn(team_id="billing", name="Billing", manager_id=MANAGER)
        )
        for agent_id, (name, hired) in AGENTS.items():
            self.store.create_agent(
                AgentIn(
                    agent_id=agent_id, name=name, team_id="billing", hire_date=hired
                )
            )

    def call(
        self, agent: str, at: datetime, missed: tuple[str, ...], kind: str
    ) -> None:
        call_id = f"{agent}-{at:%m%d-%H%M}"
        meta = CallMetadata(
            call_id=call_id, agent_id=agent, started_at=at, call_type=kind
        )
        scored = self.pipeline.score_call(
            CallRequest(metadata=meta, transcript=make_call(missed))
        )
        doc, _ = self.store.record_call(
            scored.document, lambda h: self.pipeline.coach(scored, h)
        )
        level = doc.tier.level
        if level is not None:
            self.tiers.setdefault(level, []).append((agent, call_id, doc.tier.reasons))
            self.say(
                f"{at:%a %d %b %H:%M}  {agent:<4} scored {doc.scorecard.score:g}: "
                f"tier {level} {doc.tier.label} - {doc.tier.reasons[0]}"
            )

    def review(self) -> None:
        """The manager's afternoon: approve and send what is waiting."""
        queue = self.store.queue(MANAGER)
        for note in queue.notes:
            if note.agent_id == "eli" and self.now.day % 3:
                continue  # eli's notes wait for every third day: late ones show

            text = None
            if note.tier == 1:
                text = note.text + "\nPlease see me before your next shift."
            self.store.note_action(note.id, "approve", by=MANAGER, text=text)
            self.store.note_action(note.id, "send", by=MANAGER)

    def plan(self, key: str, data: PlanIn) -> None:
        plan = self.store.create_plan(data)
        self.plans[key] = plan.id
        crits = ", ".join(c.criterion_id for c in plan.criteria)
        self.say(
            f"{self.now:%a %d %b %H:%M}  plan {key} for {data.agent_id} on {crits}"
        )

    def session(self, key: str, call_id: str, commitment: str) -> None:
        self.store.add_session(
            self.plans[key],
            SessionIn(
                held_at=self.now,
                call_id=call_id,
                start=0.0,
                end=20.0,
                commitment=commitment,
                by=MANAGER,
            ),
        )

    def say(self, line: str) -> None:
        self.log.append(line)

    def events(self) -> list[Event]:
        events: list[Event] = []

        def at(day: float, hour: float = 9.0) -> datetime:
            return START + timedelta(days=day, hours=hour - 9.0)

        for agent, day, missed, kind in _calls():
            t = at(day)
            events.append(
                Event(
                    t, 1, lambda a=agent, t=t, m=missed, k=kind: self.call(a, t, m, k)
                )
            )
        for day in range(25):
            events.append(Event(at(day, 17), 3, self.review))
        events.append(
            Event(
                at(7, 8),
                2,
                lambda: self.plan(
                    "ben",
                    PlanIn(
                        agent_id="ben",
                        criteria=[IDENTITY],
                        target=TargetIn(met_rate=0.8),
                        window=WindowIn(calls=5),
                        starts_at=self.now,
                    ),
                ),
            )
        )
        events.append(
            Event(
                at(7, 8.5),
                2,
                lambda: self.session(
                    "ben", "ben-1105-0900", "I will verify before I open the account."
                ),
            )
        )
        events.append(
            Event(
                at(5, 8),
                2,
                lambda: self.plan(
                    "eli-1",
                    PlanIn(
                        agent_id="eli",
                        criteria=[EMPATHY],
                        window=WindowIn(calls=5),
                        starts_at=self.now,
                    ),
                ),
            )
        )
        events.append(
            Event(
                at(5, 8.5),
                2,
                lambda: self.session(
                    "eli-1", "eli-1102-0900", "I will name the frustration first."
                ),
            )
        )
        events.append(
            Event(
                at(7, 20),
                2,
                lambda: self.plan(
                    "eli-2",
                    PlanIn(
                        agent_id="eli",
                        criteria=[EMPATHY],
                        window=WindowIn(calls=10),
                        starts_at=self.now,
                    ),
                ),
            )
        )
        events.append(
            Event(
                at(8, 8),
                2,
                lambda: self.session(
                    "eli-2", "eli-1109-0900", "I will say I understand before I fix."
                ),
            )
        )
        return sorted(events)

    def run(self) -> dict[str, Any]:
        self.seed()
        for event in self.events():
            self.now = event.at
            event.action()
        self.now = START + timedelta(days=27, hours=8)
        return self.summary()

    def summary(self) -> dict[str, Any]:
        plans = {k: self.store.get_plan(v) for k, v in self.plans.items()}
        queue = self.store.queue(MANAGER)
        return {
            "tiers": {
                str(level): [
                    {"agent": a, "call_id": c, "reasons": r} for a, c, r in rows
                ]
                for level, rows in sorted(self.tiers.items())
            },
            "plans": {k: msgspec.to_builtins(p) for k, p in plans.items()},
            "queue": msgspec.to_builtins(queue),
            "checks": _checks(self.tiers, plans, queue),
        }


def _checks(
    tiers: dict[int, Any], plans: dict[str, PlanOut], queue: Any
) -> dict[str, bool]:
    def verdict(key: str) -> str | None:
        return plans[key].criteria[0].verdict

    kinds = [f.kind for f in queue.flags if f.agent_id == "eli"]
    return {
        "tier 1 from ana's missing recording line": any(
            a == "ana" for a, _, _ in tiers.get(1, [])
        ),
        "tier 2 from ben's repeated misses": any(
            a == "ben" for a, _, _ in tiers.get(2, [])
        ),
        "tier 3 from cara, a new hire": any(
            a == "cara" for a, _, _ in tiers.get(3, [])
        ),
        "tier 4 from dev's weekly drop": any(
            a == "dev" for a, _, _ in tiers.get(4, [])
        ),
        "tier 5 from fay's one low call": any(
            a == "fay" for a, _, _ in tiers.get(5, [])
        ),
        "ben's plan is effective": verdict("ben") == "effective",
        "eli's first cycle is not effective": verdict("eli-1") == "not_effective",
        "eli's second cycle is not effective": verdict("eli-2") == "not_effective",
        "adjust the approach raised for eli": "adjust" in kinds,
        "escalation raised for eli": "escalation" in kinds,
    }


def run_demo(db: str | None, *, as_json: bool = False) -> int:
    if db is None:
        db = str(Path(tempfile.mkdtemp(prefix="coachloop-demo-")) / "demo.db")
    elif Path(db).exists():
        print(f"coachloop: error: {db} exists; the demo writes a new store")
        return 2
    replay = Replay(db)
    try:
        summary = replay.run()
        if as_json:
            print(msgspec.json.format(msgspec.json.encode(summary), indent=2).decode())
        else:
            _narrate(replay, summary, db)
    finally:
        replay.store.close()
    return 0 if all(summary["checks"].values()) else 1


def _narrate(replay: Replay, summary: dict[str, Any], db: str) -> None:
    print(f"Coaching loop demo: team Billing, manager Maya Ortiz, store {db}")
    print(f"Four weeks from {START:%a %d %b %Y}, in call time. Tiered calls:")
    for line in replay.log:
        print(f"  {line}")
    print()
    for level, rows in summary["tiers"].items():
        agents = sorted({r["agent"] for r in rows})
        print(f"tier {level}: {len(rows)} calls ({', '.join(agents)})")
    for key, plan_id in replay.plans.items():
        print()
        print(f"[{key}] " + render_plan(replay.store.get_plan(plan_id)))
    print()
    print(render_queue(replay.store.queue(MANAGER)))
    print()
    for name, ok in summary["checks"].items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
