"""Priority tier from what one call can decide.

Tiers 2-4 need the agent's history; this module decides 1 (a missed
auto-fail criterion) and 5 (below the rubric's threshold) and already gives
every tier its label, all matching reasons and a due-by time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from coachloop.config import TierConfig
from coachloop.document import Scorecard, Tier

LABELS = {
    1: "Immediate",
    2: "This week",
    3: "This week",
    4: "This cycle",
    5: "Standard",
}
NO_TIER = "No coaching due"


def triage(scorecard: Scorecard, call_time: datetime, config: TierConfig) -> Tier:
    matched: list[tuple[int, str]] = []
    for crit in scorecard.criteria:
        if crit.auto_fail and crit.status == "missed":
            matched.append((1, f"auto-fail criterion missed: {crit.name}"))
    if scorecard.score is not None and scorecard.score < scorecard.threshold:
        reason = (
            f"score {scorecard.score:g} is below the threshold {scorecard.threshold:g}"
        )
        matched.append((5, reason))
    if not matched:
        return Tier(level=None, label=NO_TIER, reasons=[], due_by=None)
    level = min(level for level, _ in matched)
    due = call_time + timedelta(hours=config.due_hours[level - 1])
    return Tier(
        level=level,
        label=LABELS[level],
        reasons=[reason for _, reason in sorted(matched)],
        due_by=due.isoformat(timespec="seconds"),
    )
