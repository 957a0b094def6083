"""``coachloop org|queue|note|plan|demo``: the coaching store from a terminal.

These commands open the store directly (the same file or URL ``serve --db``
uses), so a QA lead can import a roster or read a queue without the server.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from coachloop import envs
from coachloop.errors import BadRequest


def add_parsers(sub: Any, db_arg: Any) -> None:
    org = sub.add_parser("org", help="import the org roster")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    imp = org_sub.add_parser("import", help="create or update from a YAML/CSV roster")
    imp.add_argument("file", type=Path)
    db_arg(imp)

    queue = sub.add_parser("queue", help="a manager's coaching queue")
    queue.add_argument("manager_id")
    queue.add_argument(
        "--state", help="comma-separated note states (default draft,approved)"
    )
    queue.add_argument("--json", action="store_true")
    db_arg(queue)

    note = sub.add_parser("note", help="review a coaching note")
    note.add_argument(
        "action", choices=["show", "edit", "approve", "send", "acknowledge", "dismiss"]
    )
    note.add_argument("note_id")
    note.add_argument("--by", help="who acts (manager, or agent to acknowledge)")
    note.add_argument("--text", help="new text (edit, or approve with an edit)")
    note.add_argument("--reason", help="why it is dismissed")
    note.add_argument("--json", action="store_true")
    db_arg(note)

    review = sub.add_parser(
        "review", help="give a human verdict on a judged criterion of a call"
    )
    review.add_argument("call_id")
    review.add_argument("criterion_id")
    review.add_argument("verdict", choices=["met", "missed", "na"])
    review.add_argument("--by", required=True)
    review.add_argument("--comment")
    review.add_argument("--json", action="store_true")
    db_arg(review)

    plan = sub.add_parser("plan", help="coaching action plans")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    create = plan_sub.add_parser("create", help="start a plan for an agent")
    create.add_argument("agent_id")
    create.add_argument(
        "--criteria",
        help="one or two criterion ids, comma-separated (default: suggest)",
    )
    target = create.add_mutually_exclusive_group()
    target.add_argument("--met-rate", type=float, help="target met rate, e.g. 0.8")
    target.add_argument("--gain", type=float, help="target gain in percent points")
    window = create.add_mutually_exclusive_group()
    window.add_argument("--calls", type=int, help="window: the next N calls (5-10)")
    window.add_argument("--days", type=int, help="window: D days (7-28)")
    create.add_argument("--starts-at", help="window start (call time, ISO 8601)")
    show = plan_sub.add_parser("show", help="a plan's outcome so far")
    show.add_argument("plan_id")
    listing = plan_sub.add_parser("list", help="an agent's plans")
    listing.add_argument("agent_id")
    session = plan_sub.add_parser("session", help="record a coaching session")
    session.add_argument("plan_id")
    session.add_argument("--held-at", required=True, help="ISO 8601")
    session.add_argument("--call-id", required=True, help="call whose excerpt played")
    session.add_argument("--start", type=float, required=True, help="excerpt start s")
    session.add_argument("--end", type=float, required=True, help="excerpt end s")
    session.add_argument("--commitment", required=True, help="the agent's words")
    session.add_argument("--by")
    for p in (create, show, listing, session):
        p.add_argument("--json", action="store_true")
        db_arg(p)

    demo = sub.add_parser("demo", help="replay four weeks of calls through the loop")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    loop = demo_sub.add_parser("loop", help="seed a team and replay its calls")
    loop.add_argument(
        "--db", help="store to write (default: a new file in a temporary folder)"
    )
    loop.add_argument("--json", action="store_true", help="print the summary JSON")


def run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from coachloop.demo import run_demo

        return run_demo(args.db, as_json=args.json)
    from coachloop.store import Store

    store = Store(args.db or envs.db_url())
    try:
        if args.command == "org":
            return _org(store, args)
        if args.command == "queue":
            return _queue(store, args)
        if args.command == "note":
            return _note(store, args)
        if args.command == "review":
            return _review(store, args)
        return _plan(store, args)
    finally:
        store.close()


def _print(value: Any, as_json: bool, text: str | None = None) -> None:
    if as_json or text is None:
        encoded = msgspec.json.format(msgspec.json.encode(value), indent=2)
        sys.stdout.write(encoded.decode() + "\n")
    else:
        print(text)


def _org(store: Any, args: argparse.Namespace) -> int:
    from coachloop.roster import read_roster

    summary = store.import_roster(read_roster(args.file))
    parts = [
        f"{kind}: {summary.created[kind]} created, {summary.updated[kind]} updated"
        for kind in ("managers", "teams", "agents")
    ]
    print(f"imported {args.file}: " + "; ".join(parts))
    return 0


def _queue(store: Any, args: argparse.Namespace) -> int:
    from coachloop.coaching import OPEN_STATES
    from coachloop.report import render_queue

    states = OPEN_STATES
    if args.state:
        states = tuple(s.strip() for s in args.state.split(","))
    queue = store.queue(args.manager_id, states)
    _print(queue, args.json, render_queue(queue))
    return 0


def _note(store: Any, args: argparse.Namespace) -> int:
    if args.action == "show":
        note = store.get_note(args.note_id)
    else:
        if not args.by:
            raise BadRequest(f"note {args.action} needs --by (who acts)")
        from coachloop.records import ActorIn

        try:
            msgspec.convert({"by": args.by}, ActorIn)
        except msgspec.ValidationError as exc:
            raise BadRequest(f"--by: {exc}") from None
        if args.action == "edit" and not args.text:
            raise BadRequest("note edit needs --text")
        if args.action == "dismiss" and not args.reason:
            raise BadRequest("note dismiss needs --reason")
        note = store.note_action(
            args.note_id, args.action, by=args.by, text=args.text, reason=args.reason
        )
    _print(note, args.json, f"note {note.id}: {note.state}\n{note.text}")
    return 0


def _review(store: Any, args: argparse.Namespace) -> int:
    from coachloop.records import AnswerIn

    try:
        data = msgspec.convert(
            {
                "criterion_id": args.criterion_id,
                "verdict": args.verdict,
                "by": args.by,
                "comment": args.comment,
            },
            AnswerIn,
        )
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid answer: {exc}") from None
    from coachloop.pipeline import Pipeline
    from coachloop.rubrics import RubricRegistry

    # The rubric (for notes on a call that now needs coaching); no model loads.
    pipeline = Pipeline(registry=RubricRegistry(envs.rubrics_dir()))
    stored = store.get_call(args.call_id)
    pipeline.check_answer(stored.scorecard.rubric_id, data.criterion_id, data.verdict)
    doc = store.answer(args.call_id, data, pipeline.retriage)
    card = doc.scorecard
    score = "unscorable" if card.score is None else f"{card.score:g}"
    _print(
        doc,
        args.json,
        f"call {doc.call_id}: {args.criterion_id} {args.verdict}; score {score}",
    )
    return 0


def _plan(store: Any, args: argparse.Namespace) -> int:
    from coachloop.records import PlanIn, SessionIn, TargetIn, WindowIn
    from coachloop.report import render_plan

    if args.plan_command == "create":
        target = None
        if args.met_rate is not None or args.gain is not None:
            target = TargetIn(met_rate=args.met_rate, gain=args.gain)
        window = None
        if args.calls is not None or args.days is not None:
            window = WindowIn(calls=args.calls, days=args.days)
        raw = {
            "agent_id": args.agent_id,
            "criteria": [c.strip() for c in (args.criteria or "").split(",") if c],
            "target": msgspec.to_builtins(target) if target else None,
            "window": msgspec.to_builtins(window) if window else None,
            "starts_at": args.starts_at,
        }
        try:
            data = msgspec.convert(raw, PlanIn, strict=False)
        except msgspec.ValidationError as exc:
            raise BadRequest(f"invalid plan: {exc}") from None
        plan = store.create_plan(data)
    elif args.plan_command == "show":
        plan = store.get_plan(args.plan_id)
    elif args.plan_command == "list":
        plans = store.list_plans(args.agent_id)
        _print(
            plans, args.json, "\n\n".join(render_plan(p) for p in plans) or "no plans"
        )
        return 0
    else:
        session = store.add_session(
            args.plan_id,
            SessionIn(
                held_at=_time(args.held_at),
                call_id=args.call_id,
                start=args.start,
                end=args.end,
                commitment=args.commitment,
                by=args.by,
            ),
        )
        _print(session, args.json, f"session {session.id} recorded")
        return 0
    _print(plan, args.json, render_plan(plan))
    return 0


def _time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"expected an ISO 8601 time, got {text!r}") from None
