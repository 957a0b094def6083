"""Priority tier of a call, from the call itself and the agent's history.

The rules, highest tier first (a lower number wins; every reason that matched
is kept, in tier order):

1. a missed auto-fail criterion;
2. a criterion this call missed was also missed on enough of the agent's
   calls in the window ending at this call (this call counted);
3. tenure under ``new_hire_days`` and a score below ``new_hire_score``;
4. tenure of ``new_hire_days`` or more, and the window's mean score fell by
   ``drop_points`` or more from the window before it (both windows non-empty);
5. a score below the rubric's threshold.

Windows are in call time: the current one is ``[t - window, t]`` and the one
before it ``[t - 2 window, t - window)``, so a call exactly one window old
still counts and one a second older does not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, timedelta

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
_EPS = 1e-9
"""Mean differences are compared with this slack, so 10.0 is not 9.999999."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class PastCall:
    """What triage needs of one earlier stored call of the agent."""

    call_id: str
    started_at: datetime
    score: float | None
    missed: frozenset[str]
    """Ids of the criteria the call missed."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class AgentHistory:
    hire_date: date | None
    calls: Sequence[PastCall]
    """The agent's other stored calls; any order, any time (filtered here)."""


def tenure_days(hire_date: date, call_time: datetime) -> int:
    return (call_time.date() - hire_date).days


def triage(
    scorecard: Scorecard,
    call_time: datetime,
    config: TierConfig,
    history: AgentHistory | None = None,
) -> Tier:
    matched: list[tuple[int, str]] = []
    for crit in scorecard.criteria:
        if crit.auto_fail and crit.status == "missed":
            matched.append((1, f"auto-fail criterion missed: {crit.name}"))
    score = scorecard.score
    if history is not None and score is not None:
        matched.extend(_history_reasons(scorecard, score, call_time, config, history))
    if score is not None and score < scorecard.threshold:
        matched.append(
            (5, f"score {score:g} is below the threshold {scorecard.threshold:g}")
        )
    if not matched:
        return Tier(level=None, label=NO_TIER, reasons=[], due_by=None)
    level = min(level for level, _ in matched)
    due = call_time + timedelta(hours=config.due_hours[level - 1])
    return Tier(
        level=level,
        label=LABELS[level],
        reasons=[reason for _, reason in sorted(matched, key=lambda m: m[0])],
        due_by=due.isoformat(timespec="seconds"),
    )


def repeated_misses(
    scorecard: Scorecard,
    call_time: datetime,
    config: TierConfig,
    history: AgentHistory,
) -> dict[str, int]:
    """Criterion id -> calls in the window that missed it, for those this call
    missed and that reach ``repeat_misses``."""
    window = _window(history, call_time, config.window_days, 0)
    counts: dict[str, int] = {}
    for crit in scorecard.criteria:
        if crit.status != "missed":
            continue
        n = 1 + sum(1 for past in window if crit.id in past.missed)
        if n >= config.repeat_misses:
            counts[crit.id] = n
    return counts


def _history_reasons(
    scorecard: Scorecard,
    score: float,
    call_time: datetime,
    config: TierConfig,
    history: AgentHistory,
) -> list[tuple[int, str]]:
    days = config.window_days
    names = {crit.id: crit.name for crit in scorecard.criteria}
    out: list[tuple[int, str]] = []
    for crit_id, n in repeated_misses(scorecard, call_time, config, history).items():
        out.append(
            (
                2,
                (
                    f"{names[crit_id]} missed on {n} of the agent's calls in the "
                    f"{days} days to this call"
                ),
            )
        )
    if history.hire_date is None:
        return out
    tenure = tenure_days(history.hire_date, call_time)
    if tenure < config.new_hire_days:
        if score < config.new_hire_score:
            out.append(
                (
                    3,
                    (
                        f"new agent ({tenure} days of tenure) scored {score:g}, "
                        f"below {config.new_hire_score:g}"
                    ),
                )
            )
        return out
    current = [score] + [
        c.score for c in _window(history, call_time, days, 0) if c.score is not None
    ]
    before = [
        c.score for c in _window(history, call_time, days, 1) if c.score is not None
    ]
    if before:
        now_mean = sum(current) / len(current)
        then_mean = sum(before) / len(before)
        if then_mean - now_mean >= config.drop_points - _EPS:
            out.append(
                (
                    4,
                    (
                        f"mean score fell {then_mean - now_mean:.1f} points from "
                        f"the {days} days before ({then_mean:.1f} on "
                        f"{_calls(len(before))} to {now_mean:.1f} on "
                        f"{_calls(len(current))})"
                    ),
                )
            )
    return out


def _calls(n: int) -> str:
    return f"{n} call" if n == 1 else f"{n} calls"


def _window(
    history: AgentHistory, call_time: datetime, days: int, back: int
) -> list[PastCall]:
    """Calls of window ``back`` (0 = ending at the call, 1 = the one before)."""
    span = timedelta(days=days)
    end = call_time - back * span
    start = end - span
    if back == 0:
        return [c for c in history.calls if start <= c.started_at <= end]
    return [c for c in history.calls if start <= c.started_at < end]
