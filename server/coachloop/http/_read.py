"""Turn a REST request into a :class:`CallRequest`: multipart audio or JSON."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from coachloop.errors import BadRequest
from coachloop.pipeline import CallMetadata, CallRequest, TranscriptRequest


async def read_call(request: Request[Any, Any, Any], limit: int) -> CallRequest:
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
            meta = decode_json(text, CallMetadata, "metadata")
        return CallRequest(metadata=meta, audio=data)
    if content_type.startswith("application/json") or not content_type:
        body = await request.body()
        if not body:
            raise BadRequest("empty request body: send a transcript JSON or audio")
        parsed: TranscriptRequest = decode_json(body, TranscriptRequest, "body")
        return CallRequest(metadata=parsed, transcript=parsed.transcript)
    raise BadRequest(
        f"unsupported content type {content_type!r}: send multipart/form-data "
        "with an 'audio' part, or application/json with a transcript"
    )


def decode_json(data: str | bytes, kind: type[Any], where: str) -> Any:
    try:
        return msgspec.json.decode(data, type=kind)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid {where}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise BadRequest(f"invalid {where}: not JSON ({exc})") from None
