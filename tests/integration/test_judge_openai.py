"""The judge through the openai backend, against a scripted OpenAI-compatible
server on loopback: retries, judge errors, review, and what is recorded."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from pathlib import Path

import pytest
from coachloop.config import JudgeConfig
from coachloop.demo import make_call
from coachloop.judge import Judge
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.rubrics import RubricRegistry
from coachloop.transcript import transcript_from_input
from conftest import FIXTURES

RUBRIC = str(FIXTURES / "rubrics" / "judged-service.yaml")
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
        self.trickle_s = 0.0
        """Pause between 10-byte pieces of each reply; 0 sends it at once."""


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
            content = body["messages"][1]["content"]
            name = re.search(r"(?:QUESTION|NOTE) \((.+?)\)", content)[1]
            status, text, finish = script.replies[name].pop(0)
            payload = (
                text  # a whole (hostile) envelope
                if isinstance(text, dict)
                else {
                    "choices": [
                        {"message": {"content": text}, "finish_reason": finish}
                    ],
                    "usage": {"completion_tokens": len(text) // 4},
                }
            )
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if not script.trickle_s:
                self.wfile.write(data)
                return
            for at in range(0, len(data), 10):
                self.wfile.write(data[at : at + 10])
                self.wfile.flush()
                time.sleep(script.trickle_s)

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
            **({"timeout_s": 5} | config),
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


def scripted(script: Script, warmth_confidence: float = 0.3) -> None:
    quote = "I have corrected it"
    good = answer("met", uid(quote), quote)
    script.replies = {
        name: [(200, good, "stop")] * 4
        for name in ("Ownership of the problem", "Clear explanation", "Prompt opening")
    }
    script.replies["Warmth"] = [
        (200, answer("met", uid("I am sorry"), "I am sorry", warmth_confidence), "stop")
    ] * 4


def test_low_confidence_goes_to_the_manager_and_a_human_answer_rescores(
    mock, judges, tmp_path
):
    from coachloop.errors import Conflict, NotFound
    from coachloop.records import AgentIn, AnswerIn, ManagerIn, TeamIn
    from coachloop.store import Store

    script, url = mock
    scripted(script)
    store = Store(str(tmp_path / "s.db"))
    store.create_manager(ManagerIn(manager_id="m1", name="Maya"))
    store.create_team(TeamIn(team_id="t1", name="T", manager_id="m1"))
    store.create_agent(AgentIn(agent_id="a1", name="A", team_id="t1"))
    p = pipeline(url, judges)
    scored = p.score_call(
        CallRequest(
            metadata=CallMetadata(call_id="r1", agent_id="a1", rubric=RUBRIC),
            transcript=make_call(),
        )
    )
    doc, _ = store.record_call(scored.document, lambda h: p.coach(scored, h))
    assert doc.scorecard.needs_review and doc.scorecard.score == 100.0
    [flag] = store.queue("m1").flags
    assert (flag.kind, flag.call_id, flag.criterion_id) == ("review", "r1", "warmth")
    assert "confidence 0.30" in flag.message
    after = store.answer(
        "r1",
        AnswerIn(
            criterion_id="warmth", verdict="missed", by="m1", comment="Flat tone."
        ),
    )
    warmth = {c.id: c for c in after.scorecard.criteria}["warmth"]
    assert warmth.status == "missed" and warmth.judge.verdict == "met"
    assert (warmth.manual.verdict, warmth.manual.by, warmth.manual.comment) == (
        "missed",
        "m1",
        "Flat tone.",
    )
    assert (after.scorecard.earned, after.scorecard.possible) == (60.0, 70.0)
    assert after.scorecard.score == 85.7 and not after.scorecard.needs_review
    assert store.get_call("r1") == after
    assert store.queue("m1").flags == []
    with pytest.raises(Conflict, match="is missed; only needs_review"):
        store.answer("r1", AnswerIn(criterion_id="warmth", verdict="met", by="m1"))
    with pytest.raises(Conflict):
        store.answer("r1", AnswerIn(criterion_id="ownership", verdict="met", by="m1"))
    with pytest.raises(NotFound):
        store.answer("r1", AnswerIn(criterion_id="nope", verdict="met", by="m1"))
    store.close()


def test_a_server_with_a_judge_over_rest(mock, tmp_path):
    import httpx
    from servers import post_judged_call
    from servers import serve as serve_coachloop

    script, url = mock
    scripted(script)
    with serve_coachloop(
        tmp_path,
        "--db",
        str(tmp_path / "s.db"),
        "--rubrics",
        str(FIXTURES / "rubrics"),
        "--judge",
        "openai",
        "--judge-model",
        "mock-judge",
        "--judge-url",
        url,
        "--judge-revision",
        "r7",
    ) as running:
        base = running.base
        health = httpx.get(f"{base}/healthz").json()
        assert (
            health["judge"]["backend"] == "openai"
            and health["judge"]["revision"] == "r7"
        )
        httpx.post(f"{base}/v1/managers", json={"manager_id": "m1", "name": "M"})
        httpx.post(
            f"{base}/v1/teams", json={"team_id": "t1", "name": "T", "manager_id": "m1"}
        )
        httpx.post(
            f"{base}/v1/agents", json={"agent_id": "a1", "name": "A", "team_id": "t1"}
        )
        doc = post_judged_call(base, "rest-1")
        assert doc["models"]["judge"]["model"] == "mock-judge"
        flags = httpx.get(f"{base}/v1/managers/m1/queue").json()["flags"]
        assert [f["kind"] for f in flags] == ["review"]
        answered = httpx.post(
            f"{base}/v1/calls/rest-1/answers",
            json={"criterion_id": "warmth", "verdict": "met", "by": "m1"},
        )
        assert answered.status_code == 200
        assert answered.json()["scorecard"]["needs_review"] is False
        outside = httpx.post(
            f"{base}/v1/calls/rest-1/answers",
            json={"criterion_id": "warmth", "verdict": "na", "by": "m1"},
        )
        assert outside.status_code == 400
        assert "not one of warmth's choices (met, missed)" in outside.json()["detail"]
        again = httpx.post(
            f"{base}/v1/calls/rest-1/answers",
            json={"criterion_id": "warmth", "verdict": "met", "by": "m1"},
        )
        assert again.status_code == 409 and again.json()["state"] == "met"


@pytest.mark.parametrize(
    ("rewrite", "accepted"),
    [
        (
            (
                "Recording disclosure: 0 of 10. From 0:00 to 0:30 you never said the "
                "recording line. Say it right after your name on every call."
            ),
            True,
        ),
        (
            "Recording disclosure: 0 of 10. At 2:14 you skipped the recording line.",
            False,
        ),
        ("Hi! Let's talk about this call soon, you did great overall.", False),
    ],
)
def test_notes_in_a_managers_voice_cite_only_the_evidence(
    mock, judges, rewrite, accepted
):
    script, url = mock
    scripted(script, warmth_confidence=0.9)
    script.replies["Recording disclosure"] = [
        (200, json.dumps({"text": rewrite}), "stop")
    ]
    doc = pipeline(url, judges).score(
        CallRequest(
            metadata=CallMetadata(rubric=RUBRIC),
            transcript=make_call(["recording-disclosure"]),
        )
    )
    [note] = [n for n in doc.notes if n.criterion_id == "recording-disclosure"]
    if accepted:
        assert note.drafted_by == "judge" and note.text == rewrite
        assert note.headline == "Recording disclosure: 0 of 10 points"
    else:
        assert note.drafted_by == "template"
        assert note.text.startswith(
            "Recording disclosure: 0 of 10 points\nWhat happened:"
        )
        reason = (
            "it cites 2:14, which is not in the evidence"
            if "2:14" in rewrite
            else "it drops the points (0 of 10)"
        )
        assert any(f"rewrite was rejected ({reason})" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "envelope",
    [
        {"choices": [{"message": {"content": 5}, "finish_reason": "stop"}]},
        {"choices": [{"message": {"content": {"verdict": "met"}}}]},
        {"choices": [{"message": {"content": "{}"}}], "usage": None},
        {"choices": [{"message": {"content": "[" * 200_000}}]},
        {"choices": []},
        {"choices": [{"message": {"content": "x" * 1_100_000}}]},
    ],
)
def test_hostile_replies_are_judge_errors_not_crashes(mock, judges, envelope):
    script, url = mock
    scripted(script)
    script.replies["Ownership of the problem"] = [(200, envelope, "stop")] * 2
    doc = score(pipeline(url, judges, retries=0))
    ownership = {c.id: c for c in doc.scorecard.criteria}["ownership"]
    assert ownership.status == "judge_error", ownership.judge
    assert ownership.judge.error
    assert doc.scorecard.needs_review


def test_a_human_verdict_that_lowers_the_score_brings_tier_and_note(
    mock, judges, tmp_path
):
    from coachloop.records import AgentIn, AnswerIn, ManagerIn, TeamIn
    from coachloop.store import Store

    script, url = mock
    scripted(script, warmth_confidence=0.9)
    quote = "I have corrected it"
    script.replies["Ownership of the problem"] = [
        (200, answer("met", uid(quote), quote, 0.2), "stop")
    ]
    store = Store(str(tmp_path / "s.db"))
    store.create_manager(ManagerIn(manager_id="m1", name="Maya"))
    store.create_team(TeamIn(team_id="t1", name="T", manager_id="m1"))
    store.create_agent(AgentIn(agent_id="a1", name="A", team_id="t1"))
    p = pipeline(url, judges)
    p.registry = RubricRegistry(FIXTURES / "rubrics")
    scored = p.score_call(
        CallRequest(
            metadata=CallMetadata(call_id="t5", agent_id="a1", rubric="judged-service"),
            transcript=make_call(),
        )
    )
    doc, _ = store.record_call(scored.document, lambda h: p.coach(scored, h))
    assert doc.tier.level is None and doc.notes == []
    after = store.answer(
        "t5", AnswerIn(criterion_id="ownership", verdict="missed", by="m1"), p.retriage
    )
    assert after.scorecard.score == 71.4
    assert after.tier.level == 5
    assert [n.criterion_id for n in after.notes] == ["ownership"]
    assert after.notes[0].id is not None
    queue = store.queue("m1")
    assert [n.criterion_id for n in queue.notes] == ["ownership"]
    assert store.get_call("t5").tier.level == 5
    store.close()


def test_a_server_that_trickles_its_reply_meets_the_deadline(mock, judges):
    # Each piece comes well within the read timeout; the whole reply would
    # take about 5 s against a 1 s deadline.
    script, url = mock
    scripted(script)
    script.trickle_s = 0.1
    started = time.monotonic()
    doc = score(pipeline(url, judges, retries=0, timeout_s=1))
    assert time.monotonic() - started < 4
    judged = [c for c in doc.scorecard.criteria if c.judge]
    assert {c.status for c in judged} == {"judge_error"}
    assert "reply not finished within 1 s" in judged[0].judge.error
