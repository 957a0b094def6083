"""Every judge answer is checked against the transcript before it counts."""

from __future__ import annotations

import json

import pytest
from coachloop.demo import make_call
from coachloop.judge import InvalidAnswer, answer_schema, parse_answer
from coachloop.transcript import transcript_from_input

T = transcript_from_input(make_call())
CHOICES = ["met", "missed", "na"]


def reply(**overrides):
    base = {
        "verdict": "met",
        "evidence": [{"utterance_id": "u0", "quote": "Thank you for calling Bluebird"}],
        "rationale": "The agent greeted the caller.",
        "confidence": 0.9,
    }
    return json.dumps({**base, **overrides})


def test_a_valid_answer_carries_the_utterance_times():
    answer = parse_answer(reply(), T, CHOICES)
    assert answer.verdict == "met" and answer.confidence == 0.9
    [cited] = answer.evidence
    assert (cited.start, cited.end, cited.speaker) == (
        T.utterances[0].start,
        T.utterances[0].end,
        "agent",
    )


def test_a_quote_may_differ_a_little_from_the_utterance():
    text = reply(
        evidence=[
            {"utterance_id": "u0", "quote": "thank you for calling bluebird energy"}
        ]
    )
    assert parse_answer(text, T, CHOICES).evidence[0].quote.startswith("thank")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            reply(
                evidence=[{"utterance_id": "u0", "quote": "I will refund you twice"}]
            ),
            "is not in utterance u0",
        ),
        (
            reply(evidence=[{"utterance_id": "u99", "quote": "hello"}]),
            "u99', which does not exist",
        ),
        (reply(verdict="partial"), "verdict 'partial' is not one of"),
        (reply(confidence=1.5), "outside [0, 1]"),
        (reply(confidence="high"), "is not a number"),
        (reply(evidence=[]), "cites no evidence"),
        (reply()[:40], "not complete JSON"),
        ("[]", "not a JSON object"),
    ],
)
def test_fabricated_or_broken_answers_are_refused(text, problem):
    with pytest.raises(
        InvalidAnswer, match=problem.replace("[", r"\[").replace("]", r"\]")
    ):
        parse_answer(text, T, CHOICES)


def test_missed_may_cite_nothing():
    assert parse_answer(reply(verdict="missed", evidence=[]), T, CHOICES).evidence == []


def test_the_schema_names_the_criterion_choices_and_bounds_the_reply():
    schema = answer_schema(["met", "missed"])
    assert schema["properties"]["verdict"]["enum"] == ["met", "missed"]
    assert schema["properties"]["evidence"]["maxItems"] == 5
    assert schema["additionalProperties"] is False
