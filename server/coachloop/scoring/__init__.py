"""QA rubric logic: checks, scorecards, tiers and notes. Pure: no I/O, no models."""

from coachloop.scoring._checks import NO_ROLES
from coachloop.scoring._match import PhraseMatcher, normalize
from coachloop.scoring._notes import draft_notes, focus_criteria
from coachloop.scoring._scorecard import NO_SPEECH, score_transcript
from coachloop.scoring._tier import LABELS, triage

__all__ = [
    "LABELS",
    "NO_ROLES",
    "NO_SPEECH",
    "PhraseMatcher",
    "draft_notes",
    "focus_criteria",
    "normalize",
    "score_transcript",
    "triage",
]
