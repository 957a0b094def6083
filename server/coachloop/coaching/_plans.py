"""Action-plan arithmetic: suggestion, baseline, window, verdict, controls.

Pure functions over plain rows, so every verdict can be checked by hand.
Success is fixed before the cycle: the baseline is frozen when the plan is
created, the window and target come with it, and the verdict is taken once,
when the window closes.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from coachloop.coaching._stats import rate_difference, total_variation, wilson
from coachloop.config import PlanConfig
from coachloop.records import (
    CallMix,
    CriterionOutcome,
    Level,
    PeerControl,
    SeriesPoint,
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CriterionCall:
    """One criterion's result on one call, with what the controls need."""

    call_id: str
    agent_id: str
    criterion_id: str
    started_at: datetime
    call_type: str | None
    status: str
    earned: float
    possible: float
    category: str = ""
    auto_fail: bool = False

    @property
    def judged(self) -> bool:
        return self.status != "na" and self.possible > 0

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.possible if self.possible else 0.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class WindowSpec:
    starts_at: datetime
    calls: int | None
    days: int | None

    def hard_end(self, config: PlanConfig) -> datetime:
        days = self.days if self.days is not None else config.max_window_days
        return self.starts_at + timedelta(days=days)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TargetSpec:
    met_rate: float | None
    gain: float | None

    def describe(self, baseline: Level) -> str:
        if self.met_rate is not None:
            return f"met rate of {self.met_rate:.0%} or more"
        base = (
            f"{baseline.mean_percent:.1f}%"
            if baseline.mean_percent is not None
            else "no baseline"
        )
        return f"+{self.gain:g} points over the baseline ({base})"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Suggestion:
    criterion_id: str
    gap: float
    """Mean points lost per judged call x share of judged calls it was lost on."""
    compliance: bool


def level(calls: Sequence[CriterionCall], confidence: float) -> Level:
    judged = [c for c in calls if c.judged]
    n = len(judged)
    met = sum(1 for c in judged if c.status == "met")
    return Level(
        n=n,
        met=met,
        met_rate=round(met / n, 4) if n else None,
        interval=_round2(wilson(met, n, confidence)),
        mean_percent=round(sum(c.percent for c in judged) / n, 2) if n else None,
    )


def suggest(calls: Sequence[CriterionCall], limit: int = 2) -> list[Suggestion]:
    """Criteria with the largest weighted gap over ``calls``; compliance first."""
    by_id: dict[str, list[CriterionCall]] = {}
    for call in calls:
        if call.judged:
            by_id.setdefault(call.criterion_id, []).append(call)
    out = []
    for crit_id, rows in by_id.items():
        lost = [r.possible - r.earned for r in rows]
        share = sum(1 for x in lost if x > 0) / len(rows)
        gap = sum(lost) / len(rows) * share
        if gap > 0:
            compliance = any(r.auto_fail or r.category == "compliance" for r in rows)
            out.append(
                Suggestion(
                    criterion_id=crit_id, gap=round(gap, 3), compliance=compliance
                )
            )
    out.sort(key=lambda s: (not s.compliance, -s.gap, s.criterion_id))
    return out[:limit]


def baseline_calls(
    calls: Sequence[CriterionCall], starts_at: datetime, n: int
) -> list[CriterionCall]:
    """The last ``n`` judged calls before the window opens, oldest first."""
    before = sorted(
        (c for c in calls if c.judged and c.started_at < starts_at),
        key=lambda c: (c.started_at, c.call_id),
    )
    return before[-n:]


def window_calls(
    calls: Sequence[CriterionCall], window: WindowSpec, config: PlanConfig
) -> list[CriterionCall]:
    end = window.hard_end(config)
    inside = sorted(
        (c for c in calls if c.judged and window.starts_at <= c.started_at < end),
        key=lambda c: (c.started_at, c.call_id),
    )
    return inside[: window.calls] if window.calls is not None else inside


def window_closed(
    inside: Sequence[CriterionCall],
    window: WindowSpec,
    as_of: datetime,
    config: PlanConfig,
) -> bool:
    """Full (calls window), or call time has reached the window's end."""
    if window.calls is not None and len(inside) >= window.calls:
        return True
    return as_of >= window.hard_end(config)


def window_end(
    inside: Sequence[CriterionCall],
    window: WindowSpec,
    as_of: datetime,
    config: PlanConfig,
) -> datetime:
    """Where the window's period ends, for the peers' control."""
    hard = window.hard_end(config)
    if window.calls is not None and len(inside) >= window.calls:
        return inside[-1].started_at
    return min(as_of, hard)


def evaluate(
    *,
    criterion_id: str,
    criterion_name: str,
    baseline: Sequence[CriterionCall],
    agent_calls: Sequence[CriterionCall],
    peer_calls: Sequence[CriterionCall],
    peer_agents: int,
    window: WindowSpec,
    target: TargetSpec,
    as_of: datetime,
    config: PlanConfig,
    adjust_flagged: bool = False,
) -> tuple[CriterionOutcome, bool]:
    """The outcome of one plan criterion as of ``as_of`` (call time).

    Returns the outcome and whether "adjust the approach" is due now: the
    window is still open ``adjust_after_days`` in and shows no improvement.
    """
    conf = config.confidence
    base = level(baseline, conf)
    inside = window_calls(agent_calls, window, config)
    after = level(inside, conf)
    closed = window_closed(inside, window, as_of, config)
    difference = interval = None
    if base.n and after.n:
        d, ci = rate_difference(after.met, after.n, base.met, base.n, conf)
        difference, interval = round(d, 4), _round2(ci)
    percent_change = None
    if base.mean_percent is not None and after.mean_percent is not None:
        percent_change = round(after.mean_percent - base.mean_percent, 2)
    peers = _peers(peer_calls, peer_agents, baseline, window, inside, as_of, config)
    adjusted = (
        round(difference - peers.change, 4)
        if difference is not None and peers.change is not None
        else None
    )
    verdict = _verdict(base, after, target, config) if closed else None
    improving = _improved(base, after, target)
    adjust_due = (
        not closed
        and not adjust_flagged
        and after.n > 0
        and not improving
        and as_of >= window.starts_at + timedelta(days=config.adjust_after_days)
    )
    outcome = CriterionOutcome(
        criterion_id=criterion_id,
        criterion_name=criterion_name,
        baseline=base,
        baseline_requested=config.baseline_calls,
        target=target.describe(base),
        window=after,
        series=[_point(c) for c in inside],
        difference=difference,
        difference_interval=interval,
        percent_change=percent_change,
        peers=peers,
        adjusted_difference=adjusted,
        call_mix=call_mix(baseline, inside, config.mix_change),
        status="closed" if closed else "open",
        verdict=verdict,
        adjust_flagged=adjust_flagged or adjust_due,
    )
    return outcome, adjust_due


def call_mix(
    baseline: Sequence[CriterionCall],
    inside: Sequence[CriterionCall],
    threshold: float,
) -> CallMix:
    a, b = _shares(baseline), _shares(inside)
    shift = round(total_variation(a, b), 4) if baseline and inside else 0.0
    return CallMix(baseline=a, window=b, shift=shift, changed=shift >= threshold)


def _verdict(base: Level, after: Level, target: TargetSpec, config: PlanConfig) -> str:
    if after.n < config.min_calls:
        return "insufficient_data"
    if target.met_rate is not None:
        assert after.met_rate is not None
        return "effective" if after.met_rate >= target.met_rate else "not_effective"
    if base.mean_percent is None or after.mean_percent is None:
        return "insufficient_data"  # a gain needs a baseline to gain over
    assert target.gain is not None
    gained = after.mean_percent - base.mean_percent
    return "effective" if gained >= target.gain - 1e-9 else "not_effective"


def _improved(base: Level, after: Level, target: TargetSpec) -> bool:
    if after.n == 0:
        return False
    if target.met_rate is not None:
        assert after.met_rate is not None
        if after.met_rate >= target.met_rate:
            return True
        return base.met_rate is not None and after.met_rate > base.met_rate
    if base.mean_percent is None or after.mean_percent is None:
        return False
    return after.mean_percent > base.mean_percent


def _peers(
    peer_calls: Sequence[CriterionCall],
    peer_agents: int,
    baseline: Sequence[CriterionCall],
    window: WindowSpec,
    inside: Sequence[CriterionCall],
    as_of: datetime,
    config: PlanConfig,
) -> PeerControl:
    conf = config.confidence
    base_from = baseline[0].started_at if baseline else window.starts_at
    end = window_end(inside, window, as_of, config)
    before = [c for c in peer_calls if base_from <= c.started_at < window.starts_at]
    during = [c for c in peer_calls if window.starts_at <= c.started_at <= end]
    a, b = level(before, conf), level(during, conf)
    change = (
        round(b.met_rate - a.met_rate, 4)
        if a.met_rate is not None and b.met_rate is not None
        else None
    )
    return PeerControl(agents=peer_agents, baseline=a, window=b, change=change)


def _shares(calls: Sequence[CriterionCall]) -> dict[str, float]:
    counts = Counter(c.call_type or "unspecified" for c in calls)
    total = sum(counts.values())
    return {k: round(v / total, 4) for k, v in sorted(counts.items())}


def _point(call: CriterionCall) -> SeriesPoint:
    return SeriesPoint(
        call_id=call.call_id,
        started_at=call.started_at,
        call_type=call.call_type,
        status=call.status,
        percent=round(call.percent, 2),
    )


def _round2(pair: tuple[float, float]) -> tuple[float, float]:
    return (round(pair[0], 4), round(pair[1], 4))
