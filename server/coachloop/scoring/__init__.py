"""QA rubric logic: checks, scorecards, tiers and notes. Pure: no I/O, no models."""

from coachloop.scoring._checks import NO_ROLES
from coachloop.scoring._match import PhraseMatcher, normalize
from coachloop.scoring._notes import draft_notes, focus_criteria
from coachloop.scoring._scorecard import NO_SPEECH, rescore, score_transcript
from coachloop.scoring._tier import (
    LABELS,
    AgentHistory,
    PastCall,
    repeated_misses,
    tenure_days,
    triage,
)

__all__ = [
    "AgentHistory",
    "LABELS",
    "NO_ROLES",
    "NO_SPEECH",
    "PastCall",
    "PhraseMatcher",
    "draft_notes",
    "focus_criteria",
    "normalize",
    "repeated_misses",
    "rescore",
    "score_transcript",
    "tenure_days",
    "triage",
]
