"""Coachloop: score every call against a rubric and turn the score into coaching."""

from coachloop.errors import (
    AlreadyExists,
    BadAudio,
    BadRequest,
    CoachloopError,
    Conflict,
    InvalidRubric,
    NotFound,
    Overloaded,
    PayloadTooLarge,
    RubricNotFound,
)

__version__ = "0.1.0"

__all__ = [
    "AlreadyExists",
    "BadAudio",
    "BadRequest",
    "CoachloopError",
    "Conflict",
    "InvalidRubric",
    "NotFound",
    "Overloaded",
    "PayloadTooLarge",
    "RubricNotFound",
    "__version__",
]
