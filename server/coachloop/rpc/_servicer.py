from __future__ import annotations

import logging
import math
from datetime import datetime

import grpc
import msgspec
from coachloop_client.v1 import scoring_pb2, scoring_pb2_grpc
from google.protobuf import json_format

from coachloop.document import Document
from coachloop.errors import BadRequest, CoachloopError, Overloaded
from coachloop.pipeline import DEFAULT_RUBRIC, CallMetadata, CallRequest
from coachloop.service import ScoringService
from coachloop.transcript import TranscriptIn

logger = logging.getLogger(__name__)


class CallScoringServicer(scoring_pb2_grpc.CallScoringServicer):
    def __init__(self, service: ScoringService) -> None:
        self._service = service

    async def ScoreCall(
        self,
        request: scoring_pb2.ScoreCallRequest,
        context: grpc.aio.ServicerContext,  # type: ignore[type-arg]
    ) -> scoring_pb2.ScoreCallResponse:
        try:
            call = _to_call(request)
            if call.metadata.agent_id and self._service.store is not None:
                doc, _ = await self._service.record(call, "grpc.ScoreCall")
            else:
                doc = await self._service.score(call, "grpc.ScoreCall")
        except CoachloopError as exc:
            logger.info(
                "endpoint=grpc.ScoreCall status=%s error=%s",
                exc.grpc_code,
                exc.message,
            )
            trailing = ()
            if isinstance(exc, Overloaded):
                trailing = (("retry-after", str(max(1, math.ceil(exc.retry_after_s)))),)
            await context.abort(
                getattr(grpc.StatusCode, exc.grpc_code),
                exc.message,
                trailing_metadata=trailing,
            )
            raise AssertionError("unreachable: abort raises") from exc
        return document_to_proto(doc)


def document_to_proto(doc: Document) -> scoring_pb2.ScoreCallResponse:
    # The proto mirrors the document field for field; an unknown field here
    # means the two drifted apart, which the protocol-parity test catches.
    return json_format.ParseDict(
        msgspec.to_builtins(doc), scoring_pb2.ScoreCallResponse()
    )


def _to_call(request: scoring_pb2.ScoreCallRequest) -> CallRequest:
    started_at = None
    if request.started_at:
        try:
            started_at = datetime.fromisoformat(request.started_at)
        except ValueError:
            raise BadRequest(
                f"started_at must be ISO 8601, got {request.started_at!r}"
            ) from None
    try:
        meta = msgspec.convert(
            {
                "call_id": request.call_id or None,
                "agent_id": request.agent_id or None,
                "call_type": request.call_type or None,
                "rubric": request.rubric or DEFAULT_RUBRIC,
                "channels": list(request.channels) or None,
            },
            CallMetadata,
        )
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid request: {exc}") from None
    meta = msgspec.structs.replace(meta, started_at=started_at)
    kind = request.WhichOneof("input")
    if kind == "audio":
        return CallRequest(metadata=meta, audio=request.audio)
    if kind == "transcript":
        # proto3 leaves zero values off the wire: print them, or an utterance
        # starting at 0.0 would arrive without its `start`.
        raw = json_format.MessageToDict(
            request.transcript,
            preserving_proto_field_name=True,
            always_print_fields_with_no_presence=True,
        )
        try:
            transcript = msgspec.convert(raw, TranscriptIn)
        except msgspec.ValidationError as exc:
            raise BadRequest(f"invalid transcript: {exc}") from None
        return CallRequest(metadata=meta, transcript=transcript)
    raise BadRequest("ScoreCallRequest needs `audio` or `transcript`; neither was set")


def create_grpc_server(service: ScoringService) -> grpc.aio.Server:
    limit = service.server.max_upload_bytes
    server = grpc.aio.server(
        options=[
            # Calls are larger than gRPC's 4 MiB default; answer over-limit
            # messages with RESOURCE_EXHAUSTED, which gRPC does on its own.
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", limit),
            # Without this, a second server on a taken port starts and
            # silently shares it (SO_REUSEPORT); fail instead.
            ("grpc.so_reuseport", 0),
        ]
    )
    scoring_pb2_grpc.add_CallScoringServicer_to_server(
        CallScoringServicer(service), server
    )
    return server
