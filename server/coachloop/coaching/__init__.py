"""The coaching loop's pure logic: note lifecycle, plan outcomes, statistics."""

from coachloop.coaching._lifecycle import (
    ALLOWED,
    NOTE_STATES,
    OPEN_STATES,
    check_transition,
)
from coachloop.coaching._plans import (
    CriterionCall,
    Suggestion,
    TargetSpec,
    WindowSpec,
    baseline_calls,
    call_mix,
    evaluate,
    level,
    suggest,
)
from coachloop.coaching._stats import rate_difference, total_variation, wilson

__all__ = [
    "ALLOWED",
    "NOTE_STATES",
    "OPEN_STATES",
    "CriterionCall",
    "Suggestion",
    "TargetSpec",
    "WindowSpec",
    "baseline_calls",
    "call_mix",
    "check_transition",
    "evaluate",
    "level",
    "rate_difference",
    "suggest",
    "total_variation",
    "wilson",
]
