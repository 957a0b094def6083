from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from coachloop import __version__
from coachloop.document import Document
from coachloop.errors import CoachloopError, Overloaded, PayloadTooLarge
from coachloop.http._read import read_call
from coachloop.http._store import ROUTES
from coachloop.service import ScoringService

logger = logging.getLogger(__name__)


def create_app(service: ScoringService) -> Litestar:
    """The REST application over one shared :class:`ScoringService`."""
    limit = service.server.max_upload_bytes

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, Any]:
        return service.health()

    @post("/v1/calls:score", status_code=200, request_max_body_size=limit)
    async def score_call(request: Request[Any, Any, Any]) -> Document:
        """Score a call: multipart ``audio`` (+ ``metadata`` JSON), or a JSON body
        ``{"transcript": {...}, "rubric": ..., "call_id": ...}``."""
        call = await read_call(request, limit)
        # A client that hangs up cancels its scoring: its chunks still queued
        # are dropped instead of decoded for nobody.
        work = asyncio.ensure_future(service.score(call, "rest.score"))
        gone = asyncio.ensure_future(_disconnect(request))
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            work.cancel()
            logger.info(
                "endpoint=rest.score path=%s status=cancelled reason=client gone",
                request.url.path,
            )
            raise asyncio.CancelledError
        gone.cancel()
        return work.result()

    return Litestar(
        route_handlers=[healthz, score_call, *ROUTES],
        dependencies={"service": Provide(lambda: service, sync_to_thread=False)},
        exception_handlers={
            CoachloopError: _coachloop_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        middleware=[_log_requests],
        request_max_body_size=limit,
        openapi_config=OpenAPIConfig(title="Coachloop", version=__version__),
        debug=False,
        # Logging is configured once by the CLI; Litestar must not replace it.
        logging_config=None,
    )


def _coachloop_error(
    request: Request[Any, Any, Any], exc: CoachloopError
) -> Response[Any]:
    level = logging.ERROR if exc.http_status >= 500 else logging.INFO
    logger.log(
        level,
        "endpoint=rest path=%s status=%d error=%s",
        request.url.path,
        exc.http_status,
        exc.message,
    )
    headers = {}
    if isinstance(exc, Overloaded):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    return Response(
        {
            "status_code": exc.http_status,
            "error": type(exc).__name__,
            "detail": exc.message,
            **exc.details,
        },
        status_code=exc.http_status,
        headers=headers,
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 413:
        limit = request.route_handler.resolve_request_max_body_size()
        err: CoachloopError = PayloadTooLarge(
            f"request body exceeds the upload limit of {limit} bytes "
            f"({(limit or 0) / 1024 / 1024:.0f} MiB; server option --max-upload-mb)"
        )
        return _coachloop_error(request, err)
    body: dict[str, Any] = {
        "status_code": exc.status_code,
        "error": type(exc).__name__,
        "detail": exc.detail,
    }
    if isinstance(exc, ValidationException) and exc.extra:
        # Litestar's body validation: msgspec's message names the field.
        messages = [
            _field_message(e)
            for e in (exc.extra if isinstance(exc.extra, list) else [exc.extra])
        ]
        body["detail"] = f"{exc.detail}: {'; '.join(messages)}"
    if exc.status_code >= 400:
        logger.info(
            "endpoint=rest path=%s status=%d error=%s",
            request.url.path,
            exc.status_code,
            body["detail"],
        )
    return Response(body, status_code=exc.status_code)


def _field_message(entry: object) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    message = str(entry.get("message", entry))
    key = entry.get("key")
    return f"{message} (field {key!r})" if key else message


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A bug, not the caller's fault: logged with its traceback, answered 500."""
    logger.error(
        "endpoint=rest method=%s path=%s status=500 error=%s",
        request.method,
        request.url.path,
        type(exc).__name__,
        exc_info=exc,
    )
    return Response(
        {
            "status_code": 500,
            "error": "InternalError",
            "detail": "internal error; the server log has the details",
        },
        status_code=500,
    )


_SERVICE_LOGGED = ("/v1/calls", "/v1/calls:score")
"""POSTs whose one line the scoring service writes, with the call's outcome."""


def _log_requests(app: ASGIApp) -> ASGIApp:
    """One INFO line per successful request (errors are logged by the handlers)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await app(scope, receive, capture)
        path = scope["path"]
        if status < 400 and not (scope["method"] == "POST" and path in _SERVICE_LOGGED):
            logger.info(
                "endpoint=rest method=%s path=%s status=%d ms=%.0f",
                scope["method"],
                path,
                status,
                1000 * (time.perf_counter() - started),
            )

    return middleware


async def _disconnect(request: Request[Any, Any, Any]) -> None:
    """Return when the client disconnects (the body is already read)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return
