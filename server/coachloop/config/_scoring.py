from __future__ import annotations

import dataclasses

from coachloop.config._asr import _check_range


@dataclasses.dataclass(frozen=True, kw_only=True)
class ScoringConfig:
    phrase_threshold: float = 80.0
    """Minimum rapidfuzz ratio (0-100) for a phrase to count as said.

    80 accepts one misheard sound in a short phrase ("car number" for "card
    number" scores 95) and rejects unrelated words of similar length.
    """
    max_notes: int = 2
    """Coaching notes per call: the brief's one or two focus criteria."""
    excerpt_pad_s: float = 5.0
    """Seconds of context played before and after the evidence in a session."""

    def __post_init__(self) -> None:
        _check_range("scoring.phrase_threshold", self.phrase_threshold, 50, 100)
        _check_range("scoring.max_notes", self.max_notes, 1, 2)
        _check_range("scoring.excerpt_pad_s", self.excerpt_pad_s, 0, 60)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TierConfig:
    """The triage rules' numbers, and hours from call time to each tier's due-by."""

    due_hours: tuple[float, float, float, float, float] = (4, 72, 72, 168, 336)
    review_days: int = 7
    """A note's next-call target is reviewed this many days after the call."""
    window_days: int = 7
    """Length of the history windows of tiers 2 and 4, ending at the call."""
    repeat_misses: int = 3
    """Tier 2: calls in the window on which the same criterion was missed."""
    new_hire_days: int = 90
    """Tier 3 applies below this tenure, tier 4 from it."""
    new_hire_score: float = 70.0
    """Tier 3: a new hire's call scoring below this."""
    drop_points: float = 10.0
    """Tier 4: fall of the window's mean score from the window before it."""
    delivery_target_hours: float = 48.0
    """The coaching-loop target: a note delivered this soon after its call."""

    def __post_init__(self) -> None:
        if len(self.due_hours) != 5:
            raise ValueError(
                f"tier.due_hours needs 5 values (tiers 1-5), got {len(self.due_hours)}"
            )
        for level, hours in enumerate(self.due_hours, start=1):
            _check_range(f"tier.due_hours[{level}]", hours, 0.25, 24 * 90)
        _check_range("tier.review_days", self.review_days, 1, 60)
        _check_range("tier.window_days", self.window_days, 1, 60)
        _check_range("tier.repeat_misses", self.repeat_misses, 2, 50)
        _check_range("tier.new_hire_days", self.new_hire_days, 1, 3650)
        _check_range("tier.new_hire_score", self.new_hire_score, 0, 100)
        _check_range("tier.drop_points", self.drop_points, 0.1, 100)
        _check_range("tier.delivery_target_hours", self.delivery_target_hours, 1, 720)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PlanConfig:
    """Defaults and rules of coaching action plans."""

    baseline_calls: int = 10
    """Calls before the plan whose level on the criterion is the baseline."""
    recent_calls: int = 20
    """Calls looked at when suggesting focus criteria."""
    min_calls: int = 5
    """Fewer judged calls than this in a window gives ``insufficient_data``."""
    default_window_calls: int = 10
    max_window_days: int = 28
    """A calls window still ends here, so a quiet agent's plan gets a verdict."""
    default_met_rate: float = 0.8
    adjust_after_days: int = 14
    """No improvement this far into a window flags "adjust the approach"."""
    mix_change: float = 0.2
    """Call-type mix shift (total variation distance) that counts as changed."""
    confidence: float = 0.95

    def __post_init__(self) -> None:
        _check_range("plan.baseline_calls", self.baseline_calls, 1, 100)
        _check_range("plan.recent_calls", self.recent_calls, 1, 500)
        _check_range("plan.min_calls", self.min_calls, 1, 10)
        _check_range(
            "plan.default_window_calls",
            self.default_window_calls,
            self.min_calls,
            10,
        )
        _check_range("plan.max_window_days", self.max_window_days, 7, 90)
        _check_range("plan.default_met_rate", self.default_met_rate, 0.05, 1)
        _check_range("plan.adjust_after_days", self.adjust_after_days, 1, 90)
        _check_range("plan.mix_change", self.mix_change, 0.01, 1)
        _check_range("plan.confidence", self.confidence, 0.5, 0.999)
