"""The judge through the openai backend, against a scripted OpenAI-compatible
server on loopback: retries, judge errors, review, and what is recorded."""

from __future__ import annotations

import http.server
import json
import re
import threading
from pathlib import Path

import pytest
from coachloop.config import JudgeConfig
from coachloop.demo import make_call
from coachloop.judge import Judge
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.rubrics import RubricRegistry
from coachloop.transcript import transcript_from_input
from conftest import FIXTURES

RUBRIC = str(FIXTURES / "rubrics" / "judged.yaml")
CALL = transcript_from_input(make_call())


def uid(fragment: str) -> str:
    """Id of the utterance holding ``fragment``, as the pipeline numbers them."""
    return next(u.id for u in CALL.utterances if fragment in u.text)


def answer(verdict, uid, quote, confidence=0.9, rationale="Seen in the call."):
    return json.dumps(
        {
            "verdict": verdict,
            "evidence": [{"utterance_id": uid, "quote": quote}] if uid else [],
            "rationale": rationale,
            "confidence": confidence,
        },
        separators=(",", ":"),
    )


class Script:
    """Replies per question name, one per attempt; records every request."""

    def __init__(self) -> None:
        self.replies: dict[str, list[tuple[int, str, str]]] = {}
        self.requests: list[dict] = []
        self.fail_first = 0


def serve(script: Script):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            script.requests.append(body)
            if script.fail_first > 0:
                script.fail_first -= 1
                self.send_response(503)
                self.end_headers()
                return
            name = re.search(r"QUESTION \((.+?)\):", body["messages"][1]["content"])[1]
            status, text, finish = script.replies[name].pop(0)
            payload = {
                "choices": [{"message": {"content": text}, "finish_reason": finish}],
                "usage": {"completion_tokens": len(text) // 4},
            }
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def mock():
    script = Script()
    server = serve(script)
    yield script, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def judges():
    made: list[Judge] = []
    yield made
    for judge in made:
        judge.close()


def pipeline(url: str, made: list, **config) -> Pipeline:
    judge = Judge(
        JudgeConfig(
            backend="openai",
            model="mock-judge",
            base_url=url,
            revision="r1",
            timeout_s=5,
            **config,
        )
    )
    made.append(judge)
    return Pipeline(registry=RubricRegistry(), judge=judge, allow_rubric_paths=True)


def score(p: Pipeline):
    request = CallRequest(
        metadata=CallMetadata(call_id="j1", rubric=RUBRIC), transcript=make_call()
    )
    return p.score(request)


def test_every_path_of_the_judge(mock, judges):
    script, url = mock
    quote = "I have corrected it"
    script.replies = {
        "Ownership of the problem": [(200, answer("met", uid(quote), quote), "stop")],
        # A fabricated quote, then a good answer on the retry.
        "Clear explanation": [
            (200, answer("met", uid(quote), "we will double your refund"), "stop"),
            (
                200,
                answer("met", uid("did not reach us"), "did not reach us in time"),
                "stop",
            ),
        ],
        # Cut off twice: a judge error, neither met nor missed.
        "Prompt opening": [
            (200, '{"verdict":"met","evid', "length"),
            (200, '{"verdict":"met","evidence":[{"utt', "length"),
        ],
        "Warmth": [
            (
                200,
                answer("met", uid("I am sorry"), "I am sorry about that", 0.3),
                "stop",
            )
        ],
    }
    doc = score(pipeline(url, judges))
    by_id = {c.id: c for c in doc.scorecard.criteria}
    assert by_id["ownership"].status == "met"
    assert by_id["ownership"].judge.attempts == 1
    ev = by_id["ownership"].evidence[0]
    cited = next(u for u in doc.transcript.utterances if u.id == uid(quote))
    assert (ev.start, ev.end, ev.utterance_ids, ev.quote) == (
        cited.start,
        cited.end,
        [cited.id],
        quote,
    )
    assert by_id["clarity"].status == "met" and by_id["clarity"].judge.attempts == 2
    timing = by_id["timing"]
    assert timing.status == "judge_error"
    assert timing.judge.error == "reply cut off at 768 tokens"
    assert (timing.earned, timing.possible) == (0.0, 0.0)
    warmth = by_id["warmth"]
    assert warmth.status == "needs_review" and warmth.judge.verdict == "met"
    assert warmth.judge.confidence == 0.3 and warmth.possible == 0.0
    card = doc.scorecard
    assert card.needs_review
    assert (card.earned, card.possible) == (50.0, 50.0)  # disclosure 10 + 20 + 20
    judge = doc.models.judge
    assert (
        judge.backend,
        judge.model,
        judge.revision,
        judge.temperature,
        judge.seed,
    ) == (
        "openai",
        "mock-judge",
        "r1",
        0.0,
        0,
    )
    assert doc.models.scorer == "rules+judge"
    # What the server was sent: the schema, greedy and seeded, the larger
    # budget only on retries, and the transcript with ids, times and facts.
    first = script.requests[0]
    assert first["temperature"] == 0.0 and first["seed"] == 0
    assert first["response_format"]["type"] == "json_schema"
    assert [r["max_tokens"] for r in script.requests] == [384] * 4 + [768] * 2
    prompt = first["messages"][1]["content"]
    assert "u0 0:00 agent: Thank you for calling Bluebird Energy" in prompt
    assert "TIMING FACTS" in prompt and "said in the first 30 s:" in prompt
    warmth_prompt = next(
        r for r in script.requests if "QUESTION (Warmth)" in r["messages"][1]["content"]
    )
    assert warmth_prompt["response_format"]["json_schema"]["schema"]["properties"][
        "verdict"
    ]["enum"] == ["met", "missed"]


def test_a_flaky_server_is_retried_and_a_dead_one_is_a_judge_error(mock, judges):
    script, url = mock
    good = answer("met", uid("I have corrected it"), "I have corrected it")
    script.replies = {
        name: [(200, good, "stop")]
        for name in (
            "Ownership of the problem",
            "Clear explanation",
            "Prompt opening",
            "Warmth",
        )
    }
    script.fail_first = 2  # two 503s, then answers
    doc = score(pipeline(url, judges, retries=2))
    assert {c.status for c in doc.scorecard.criteria if c.judge} == {"met"}
    script.fail_first = 100
    doc = score(pipeline(url, judges, retries=1))
    errors = [c for c in doc.scorecard.criteria if c.judge]
    assert {c.status for c in errors} == {"judge_error"}
    assert "failed 2 times: HTTP 503" in errors[0].judge.error
    assert doc.scorecard.status == "scored"  # the rules still scored the call


def test_without_a_judge_llm_criteria_are_na_and_shipped_rubrics_unchanged():
    p = Pipeline(registry=RubricRegistry(), allow_rubric_paths=True)
    doc = p.score(
        CallRequest(metadata=CallMetadata(rubric=RUBRIC), transcript=make_call())
    )
    judged = [c for c in doc.scorecard.criteria if c.id != "recording-disclosure"]
    assert {(c.status, c.summary) for c in judged} == {("na", "no judge configured")}
    assert doc.models.judge is None and doc.models.scorer == "rules"
    shipped = p.score(CallRequest(metadata=CallMetadata(), transcript=make_call()))
    assert shipped.scorecard.score == 100.0


def test_the_judge_needs_its_settings():
    with pytest.raises(ValueError, match="needs a base_url"):
        JudgeConfig(backend="openai", model="m")
    with pytest.raises(ValueError, match="needs a model"):
        JudgeConfig(backend="transformers")
    assert Path(RUBRIC).is_file()
