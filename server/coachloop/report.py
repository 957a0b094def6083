"""The human-readable report of a result document, for the terminal."""

from __future__ import annotations

from coachloop.document import Document
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
