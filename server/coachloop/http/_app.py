from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig

from coachloop import __version__
from coachloop.document import Document
from coachloop.errors import BadRequest, CoachloopError, PayloadTooLarge
from coachloop.pipeline import CallMetadata, CallRequest, TranscriptRequest
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
        call = await _read_call(request, limit)
        return await service.score(call, "rest.score")

    return Litestar(
        route_handlers=[healthz, score_call],
        exception_handlers={
            CoachloopError: _coachloop_error,
            HTTPException: _http_error,
        },
        request_max_body_size=limit,
        openapi_config=OpenAPIConfig(title="Coachloop", version=__version__),
        debug=False,
        # Logging is configured once by the CLI; Litestar must not replace it.
        logging_config=None,
    )


async def _read_call(request: Request[Any, Any, Any], limit: int) -> CallRequest:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        audio = form.get("audio")
        if not isinstance(audio, UploadFile):
            raise BadRequest("multipart request needs a file part named 'audio'")
        data = await audio.read()
        raw_meta = form.get("metadata")
        meta = CallMetadata()
        if raw_meta:
            text = raw_meta if isinstance(raw_meta, str) else (await raw_meta.read())
            meta = _decode(text, CallMetadata, "metadata")
        return CallRequest(metadata=meta, audio=data)
    if content_type.startswith("application/json") or not content_type:
        body = await request.body()
        if not body:
            raise BadRequest("empty request body: send a transcript JSON or audio")
        parsed: TranscriptRequest = _decode(body, TranscriptRequest, "body")
        return CallRequest(metadata=parsed, transcript=parsed.transcript)
    raise BadRequest(
        f"unsupported content type {content_type!r}: send multipart/form-data "
        "with an 'audio' part, or application/json with a transcript"
    )


def _decode(data: str | bytes, kind: type[Any], where: str) -> Any:
    try:
        return msgspec.json.decode(data, type=kind)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid {where}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise BadRequest(f"invalid {where}: not JSON ({exc})") from None


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
    return Response(
        {
            "status_code": exc.http_status,
            "error": type(exc).__name__,
            "detail": exc.message,
        },
        status_code=exc.http_status,
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 413:
        limit = request.route_handler.resolve_request_max_body_size()
        err: CoachloopError = PayloadTooLarge(
            f"request body exceeds the upload limit of {limit} bytes "
            f"({(limit or 0) / 1024 / 1024:.0f} MiB; server option --max-upload-mb)"
        )
        return _coachloop_error(request, err)
    return Response(
        {
            "status_code": exc.status_code,
            "error": type(exc).__name__,
            "detail": exc.detail,
        },
        status_code=exc.status_code,
    )
