"""Rubrics: the YAML format, its validation, and lookup by id or path."""

from coachloop.rubrics._registry import RubricRegistry, load_rubric_file, parse_rubric
from coachloop.rubrics._schema import (
    Category,
    Check,
    Criterion,
    DeadAirCheck,
    EmpathyCheck,
    ForbiddenCheck,
    InterruptionsCheck,
    OrderCheck,
    PhraseCheck,
    Rubric,
    TalkShareCheck,
    Within,
)

__all__ = [
    "Category",
    "Check",
    "Criterion",
    "DeadAirCheck",
    "EmpathyCheck",
    "ForbiddenCheck",
    "InterruptionsCheck",
    "OrderCheck",
    "PhraseCheck",
    "Rubric",
    "RubricRegistry",
    "TalkShareCheck",
    "Within",
    "load_rubric_file",
    "parse_rubric",
]
