"""A server at capacity refuses at once: 503 with Retry-After, RESOURCE_EXHAUSTED."""

from __future__ import annotations

import concurrent.futures
import time

import grpc
import httpx
import pytest
from coachloop_client.v1 import scoring_pb2, scoring_pb2_grpc
from conftest import FIXTURES, SHARED_REAL
from servers import serve

pytestmark = pytest.mark.asr
REAL = SHARED_REAL / "Auto_Repairs_40_UTC_stereo_ulaw_DERIVED.wav"


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tight")
    # One chunk a batch, a queue of two: the third concurrent call is refused.
    with serve(
        workdir,
        "--no-store",
        "--max-batch-size",
        "1",
        "--max-wait-ms",
        "0",
        "--max-queue-size",
        "2",
    ) as running:
        yield running


def test_overload_is_503_with_retry_after_and_the_others_succeed(tight):
    audio = (FIXTURES / "billing_interrupt.flac").read_bytes()  # 2 chunks

    def post(i: int) -> httpx.Response:
        return httpx.post(
            f"{tight.base}/v1/calls:score",
            files={"audio": ("c.flac", audio, "audio/flac")},
            timeout=120,
        )

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(post, range(6)))
    codes = sorted(r.status_code for r in responses)
    assert 200 in codes and 503 in codes, codes
    assert set(codes) <= {200, 503}
    refused = next(r for r in responses if r.status_code == 503)
    assert int(refused.headers["retry-after"]) >= 1
    body = refused.json()
    assert body["error"] == "Overloaded" and "the ASR queue is full" in body["detail"]
    health = httpx.get(f"{tight.base}/healthz").json()
    assert health["batch"]["max_queue_size"] == 2
    assert health["scheduler"]["rejected"] >= 1
    assert health["scheduler"]["queued"] == 0


def test_a_call_longer_than_the_queue_is_413(tight):
    audio = (FIXTURES / "support_ok.flac").read_bytes()  # 3 chunks > 2
    response = httpx.post(
        f"{tight.base}/v1/calls:score",
        files={"audio": ("c.flac", audio, "audio/flac")},
        timeout=120,
    )
    assert response.status_code == 413
    assert "more than the ASR queue holds (2" in response.json()["detail"]


def test_grpc_overload_is_resource_exhausted(tight):
    audio = (FIXTURES / "billing_interrupt.flac").read_bytes()
    channel = grpc.insecure_channel(
        tight.grpc_target,
        options=[("grpc.max_send_message_length", 64 * 1024 * 1024)],
    )
    stub = scoring_pb2_grpc.CallScoringStub(channel)

    def call(i: int):
        try:
            stub.ScoreCall(scoring_pb2.ScoreCallRequest(audio=audio), timeout=120)
            return "OK", None
        except grpc.RpcError as exc:
            return exc.code().name, dict(exc.trailing_metadata() or ())

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(call, range(6)))
    channel.close()
    codes = {code for code, _ in outcomes}
    assert codes <= {"OK", "RESOURCE_EXHAUSTED"} and codes == {
        "OK",
        "RESOURCE_EXHAUSTED",
    }
    trailing = next(meta for code, meta in outcomes if code == "RESOURCE_EXHAUSTED")
    assert int(trailing["retry-after"]) >= 1


@pytest.mark.skipif(not REAL.is_file(), reason="needs ../shared/real")
def test_a_client_that_hangs_up_drops_its_queued_chunks(tmp_path):
    # 9 chunks, one a batch: hanging up after a second leaves most undecoded.
    with serve(
        tmp_path, "--no-store", "--max-batch-size", "1", "--max-wait-ms", "0"
    ) as running:
        with pytest.raises(httpx.TimeoutException):
            httpx.post(
                f"{running.base}/v1/calls:score",
                files={"audio": ("c.wav", REAL.read_bytes(), "audio/wav")},
                timeout=1.5,
            )
        time.sleep(4)
        after = httpx.get(f"{running.base}/healthz").json()["scheduler"]
        assert after["queued"] == 0
        assert after["chunks"] < 9
        log = running.log_path.read_text()
    assert "status=cancelled reason=client gone" in log
