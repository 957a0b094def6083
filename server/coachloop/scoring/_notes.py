"""Draft coaching notes for the one or two criteria that matter most.

Each note has the five parts a manager needs: criterion and points, what
happened with timestamps, why it costs points, one behaviour to do instead,
and the next-call target with a review date; plus the excerpt to play in the
coaching session.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from coachloop.config import ScoringConfig, TierConfig
from coachloop.document import CriterionResult, Excerpt, Note, Scorecard, Tier
from coachloop.rubrics import Rubric
from coachloop.timefmt import mmss

_MAX_EXCERPT_S = 90.0
"""A session plays a moment, not a call: longer spans keep the first evidence."""


def focus_criteria(
    scorecard: Scorecard, limit: int, repeated: Collection[str] = ()
) -> list[CriterionResult]:
    """Missed or partial criteria: auto-fail first, then those missed again and
    again (``repeated``: earlier feedback is not sticking), then points lost."""
    lost = [c for c in scorecard.criteria if c.status in ("missed", "partial")]
    lost.sort(
        key=lambda c: (
            not (c.auto_fail and c.status == "missed"),
            c.id not in repeated,
            c.earned - c.possible,
        )
    )
    return lost[:limit]


def draft_notes(
    rubric: Rubric,
    scorecard: Scorecard,
    tier: Tier,
    call_time: datetime,
    duration: float,
    scoring: ScoringConfig,
    tiers: TierConfig,
    repeated: Collection[str] = (),
) -> list[Note]:
    """Notes only for a tiered call: an untiered call needs no coaching."""
    if tier.level is None:
        return []
    by_id = {crit.id: crit for _, crit in rubric.criteria()}
    review = (call_time + timedelta(days=tiers.review_days)).strftime("%a %d %b")
    notes = []
    for result in focus_criteria(scorecard, scoring.max_notes, repeated):
        crit = by_id[result.id]
        requirement = " ".join(crit.requirement.split())
        coaching = " ".join(crit.coaching.split())
        headline = f"{result.name}: {result.earned:g} of {result.possible:g} points"
        happened = _what_happened(result)
        target = (
            f"Focus only on this on your next three calls; I will review them by "
            f"{review}."
        )
        excerpt = _excerpt(result, duration, scoring.excerpt_pad_s)
        text = (
            f"{headline}\n"
            f"What happened: {happened}\n"
            f"Why it matters: {requirement}\n"
            f"What to do instead: {coaching}\n"
            f"Next calls: {target}\n"
            f"Excerpt to play: {mmss(excerpt.start)}-{mmss(excerpt.end)}"
        )
        notes.append(
            Note(
                criterion_id=result.id,
                criterion_name=result.name,
                headline=headline,
                what_happened=happened,
                why_it_matters=requirement,
                what_to_do=coaching,
                next_target=target,
                excerpt=excerpt,
                text=text,
            )
        )
    return notes


def _what_happened(result: CriterionResult) -> str:
    reasons = [e.reason for e in result.evidence if "not dead air" not in e.reason]
    shown = reasons[:4]
    more = len(reasons) - len(shown)
    sentence = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return sentence[:1].upper() + sentence[1:] + "."


def _excerpt(result: CriterionResult, duration: float, pad: float) -> Excerpt:
    spans = [(e.start, e.end) for e in result.evidence]
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    if end - start > _MAX_EXCERPT_S:
        start, end = spans[0]
        end = min(end, start + _MAX_EXCERPT_S)
    return Excerpt(
        start=round(max(0.0, start - pad), 2), end=round(min(duration, end + pad), 2)
    )
