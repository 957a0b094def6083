from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import json_format

from coachloop_client.v1 import scoring_pb2, scoring_pb2_grpc

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""The server's default limit; gRPC's own 4 MiB default is too small for calls."""


def document_from_proto(message: scoring_pb2.ScoreCallResponse) -> dict[str, Any]:
    """The response as the REST document's ``dict``: unset optionals become None."""
    out = json_format.MessageToDict(
        message,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )
    _fill_nulls(message.DESCRIPTOR, out)
    return out


def _fill_nulls(descriptor: Any, out: dict[str, Any]) -> None:
    for field in descriptor.fields:
        if field.name not in out:
            out[field.name] = None
            continue
        if field.message_type is None:
            continue
        value = out[field.name]
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                _fill_nulls(field.message_type, item)


class GrpcClient:
    def __init__(self, target: str, *, timeout: float = 300.0) -> None:
        self._channel = grpc.insecure_channel(
            target,
            options=[
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        self._stub = scoring_pb2_grpc.CallScoringStub(self._channel)
        self._timeout = timeout

    def __enter__(self) -> GrpcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def score(self, request: scoring_pb2.ScoreCallRequest) -> dict[str, Any]:
        return document_from_proto(self._stub.ScoreCall(request, timeout=self._timeout))

    def score_audio(self, audio: bytes, **metadata: Any) -> dict[str, Any]:
        return self.score(scoring_pb2.ScoreCallRequest(audio=audio, **metadata))

    def score_transcript(
        self, transcript: dict[str, Any], **metadata: Any
    ) -> dict[str, Any]:
        message = json_format.ParseDict(
            transcript, scoring_pb2.InputTranscript(), ignore_unknown_fields=False
        )
        return self.score(scoring_pb2.ScoreCallRequest(transcript=message, **metadata))
