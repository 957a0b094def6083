"""The one exception tree of Coachloop, and how it maps to HTTP and gRPC.

::

    CoachloopError                 500 / INTERNAL
    ├── ClientError                4xx: the caller can fix the request
    │   ├── BadRequest             400 / INVALID_ARGUMENT
    │   │   └── BadAudio           400 / INVALID_ARGUMENT
    │   ├── NotFound               404 / NOT_FOUND
    │   │   └── RubricNotFound     404 / NOT_FOUND
    │   ├── AlreadyExists          409 / ALREADY_EXISTS
    │   ├── Conflict               409 / FAILED_PRECONDITION (e.g. note state)
    │   ├── InvalidRubric          422 / INVALID_ARGUMENT (message has the field path)
    │   └── PayloadTooLarge        413 / RESOURCE_EXHAUSTED (message has the limit)
    ├── Overloaded                 503 / RESOURCE_EXHAUSTED, with Retry-After
    └── EngineError                500 / INTERNAL: a model failed on valid input

Adapters never build status codes themselves: they read ``http_status`` and
``grpc_code`` from the raised class, so both protocols stay in step.
"""

from __future__ import annotations

from typing import ClassVar


class CoachloopError(Exception):
    """Base of every error Coachloop raises on purpose."""

    http_status: ClassVar[int] = 500
    grpc_code: ClassVar[str] = "INTERNAL"
    """Name of a ``grpc.StatusCode`` member, as text so this module needs no grpc."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        """Extra fields for the error body, e.g. a note's current ``state``."""


class ClientError(CoachloopError):
    """The request is wrong; retrying it unchanged gives the same answer."""

    http_status = 400
    grpc_code = "INVALID_ARGUMENT"


class BadRequest(ClientError):
    """A malformed request body, metadata field or transcript."""


class BadAudio(BadRequest):
    """Audio that is empty, has no header, is corrupt or holds no samples."""


class NotFound(ClientError):
    """A manager, team, agent, call, note or plan id that is not stored."""

    http_status = 404
    grpc_code = "NOT_FOUND"


class RubricNotFound(NotFound):
    pass


class AlreadyExists(ClientError):
    """Creating a record whose id is taken."""

    http_status = 409
    grpc_code = "ALREADY_EXISTS"


class Conflict(ClientError):
    """The request is valid but not in the record's current state."""

    http_status = 409
    grpc_code = "FAILED_PRECONDITION"


class InvalidRubric(ClientError):
    """A rubric file that does not match the format; the message names the field."""

    http_status = 422


class PayloadTooLarge(ClientError):
    http_status = 413
    grpc_code = "RESOURCE_EXHAUSTED"


class Overloaded(CoachloopError):
    """The server is at capacity: the request is refused now, not queued."""

    http_status = 503
    grpc_code = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class EngineError(CoachloopError):
    """A model failed on input that passed validation."""
