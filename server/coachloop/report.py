"""The human-readable report of a result document, for the terminal."""

from __future__ import annotations

from datetime import datetime

from coachloop.document import Document
from coachloop.records import PlanOut, QueueOut
from coachloop.timefmt import mmss, span

_MARK = {"met": "met", "missed": "MISSED", "partial": "partial", "na": "n/a"}


def render_report(doc: Document) -> str:
    card = doc.scorecard
    header = (
        f"Call {doc.call_id}  ({mmss(doc.duration)}, {doc.channels.mode}, "
        f"rubric {card.rubric_id} v{card.rubric_version})"
    )
    lines = [header]
    for info in doc.channels.channels:
        coverage = f"{info.coverage:.0%}" if info.coverage is not None else "-"
        lines.append(
            f"  channel {info.index} = {info.speaker}: {info.voiced_s:.1f} s voiced, "
            f"{info.worded_s:.1f} s with words ({coverage}), {info.words} words"
        )
    lines += [f"  warning: {w}" for w in doc.warnings]
    lines += ["", "Transcript"]
    for u in doc.transcript.utterances:
        lines.append(f"  [{mmss(u.start):>5}] {u.speaker:<8} {u.text}")
    if not doc.transcript.utterances:
        lines.append("  (no speech)")
    score = "unscorable" if card.score is None else f"{card.score:g} / 100"
    flags = []
    if card.auto_fail:
        flags.append("AUTO-FAIL")
    if card.below_threshold:
        flags.append(f"below threshold {card.threshold:g}")
    lines += ["", f"Score: {score}" + (f"  ({', '.join(flags)})" if flags else "")]
    width = max((len(c.name) for c in card.criteria), default=10)
    for c in card.criteria:
        points = f"{c.earned:g}/{c.possible:g}" if c.status != "na" else "-"
        af = " [auto-fail]" if c.auto_fail else ""
        lines.append(
            f"  {c.name:<{width}}  {_MARK[c.status]:<7} {points:>7}  {c.summary}{af}"
        )
        for e in c.evidence:
            who = e.speaker or "-"
            quote = f' "{_short(e.quote)}"' if e.quote else ""
            lines.append(
                f"  {'':<{width}}    {span(e.start, e.end)} {who}: {e.reason}{quote}"
            )
    tier = doc.tier
    lines += [""]
    if tier.level is None:
        lines.append(f"Tier: {tier.label}")
    else:
        lines.append(f"Tier {tier.level} ({tier.label}), due by {tier.due_by}")
        lines += [f"  - {r}" for r in tier.reasons]
    for i, note in enumerate(doc.notes, start=1):
        lines += ["", f"Coaching note {i}"]
        lines += [f"  {line}" for line in note.text.splitlines()]
    return "\n".join(lines)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%a %d %b %H:%M")


def render_queue(queue: QueueOut) -> str:
    lines = [
        (
            f"Queue of {queue.name} ({queue.manager_id}) as of "
            f"{_when(queue.as_of)} UTC: {len(queue.notes)} notes, "
            f"{len(queue.flags)} flags"
        )
    ]
    for flag in queue.flags:
        lines.append(f"  [{flag.kind.upper()}] agent {flag.agent_id}: {flag.message}")
    for n in queue.notes:
        late = "OVERDUE" if n.overdue else "on time"
        target = " >48h" if n.within_target is False else ""
        lines.append(
            f"  tier {n.tier} {n.tier_label:<10} due {_when(n.due_by)}  {late:<7} "
            f"age {n.age_hours:5.1f} h{target:<5}  {n.state:<8} {n.id}  "
            f"agent {n.agent_id}  call {n.call_id}"
        )
        lines.append(f"      {n.text.splitlines()[0]}")
    return "\n".join(lines)


def render_plan(plan: PlanOut) -> str:
    window = ", ".join(f"{k} {v}" for k, v in plan.window.items())
    lines = [
        (
            f"Plan {plan.id} for agent {plan.agent_id}: {plan.state}"
            f"{' (criteria suggested)' if plan.suggested else ''}"
        ),
        (
            f"  starts {_when(plan.starts_at)}, window: next {window}, "
            f"sessions: {len(plan.sessions)}"
        ),
    ]
    for c in plan.criteria:
        base, win = c.baseline, c.window
        verdict = c.verdict or "open"
        lines.append(f"  {c.criterion_name} ({c.criterion_id}): {verdict.upper()}")
        lines.append(
            f"    target {c.target}; baseline {base.met} of {base.n} met "
            f"({_pct(base.met_rate)}, last {c.baseline_requested} asked)"
        )
        series = " ".join(p.status for p in c.series) or "(no calls yet)"
        lines.append(f"    since coaching: {win.met} of {win.n} met: {series}")
        if c.difference is not None and c.difference_interval is not None:
            lo, hi = c.difference_interval
            lines.append(
                f"    change {c.difference:+.0%} (95% interval {lo:+.0%} to {hi:+.0%})"
            )
        peers = c.peers
        if peers.change is not None:
            lines.append(
                f"    team peers ({peers.agents}) changed {peers.change:+.0%} over "
                f"the same periods; adjusted change {c.adjusted_difference:+.0%}"
            )
        mix = c.call_mix
        lines.append(
            f"    call mix shift {mix.shift:.2f}{' (changed)' if mix.changed else ''}"
        )
    for s in plan.sessions:
        lines.append(
            f"  session {_when(s.held_at)}: played {s.call_id} "
            f"{span(s.excerpt.start, s.excerpt.end)}; commitment: {s.commitment}"
        )
    return "\n".join(lines)
