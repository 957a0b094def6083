"""Coachloop: score every call against a rubric and turn the score into coaching."""

from coachloop.errors import (
    BadAudio,
    BadRequest,
    CoachloopError,
    InvalidRubric,
    PayloadTooLarge,
    RubricNotFound,
)

__version__ = "0.1.0"

__all__ = [
    "BadAudio",
    "BadRequest",
    "CoachloopError",
    "InvalidRubric",
    "PayloadTooLarge",
    "RubricNotFound",
    "__version__",
]
