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
    """Hours from call time to the due-by of each tier's coaching note."""

    due_hours: tuple[float, float, float, float, float] = (4, 72, 72, 168, 336)
    review_days: int = 7
    """A note's next-call target is reviewed this many days after the call."""

    def __post_init__(self) -> None:
        if len(self.due_hours) != 5:
            raise ValueError(
                f"tier.due_hours needs 5 values (tiers 1-5), got {len(self.due_hours)}"
            )
        for level, hours in enumerate(self.due_hours, start=1):
            _check_range(f"tier.due_hours[{level}]", hours, 0.25, 24 * 90)
        _check_range("tier.review_days", self.review_days, 1, 60)
