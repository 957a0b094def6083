"""The judge's answer: its JSON schema, and the checks every answer must pass.

Structured decoding makes the reply parse; it cannot make it true. After
decoding, every answer is checked against the transcript: the verdict is one
of the criterion's choices, every cited utterance exists, every quote is in
its utterance (fuzzily, as ASR text and model copying both drift a little),
and the cited times lie inside the call.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from coachloop.transcript import Transcript

QUOTE_MIN_SIMILARITY = 85.0
"""rapidfuzz partial ratio of a quote within its utterance, 0-100."""
MAX_EVIDENCE = 5
MAX_QUOTE = 200
MIN_QUOTE = 10
MAX_RATIONALE = 400
MAX_REPLY_CHARS = 20_000


class InvalidAnswer(Exception):
    """The reply failed a check; the message says which (it is reported)."""


def answer_schema(
    choices: Sequence[str], utterance_ids: Sequence[str] = ()
) -> dict[str, Any]:
    """The reply's JSON schema. With ``utterance_ids`` the decoder can only
    cite utterances that exist; quotes are still checked after decoding."""
    uid: dict[str, Any] = {"type": "string", "maxLength": 12}
    if utterance_ids:
        uid = {"type": "string", "enum": list(utterance_ids)}
    return {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": list(choices)},
            "evidence": {
                "type": "array",
                "maxItems": MAX_EVIDENCE,
                "items": {
                    "type": "object",
                    "properties": {
                        "utterance_id": uid,
                        "quote": {"type": "string", "maxLength": MAX_QUOTE},
                    },
                    "required": ["utterance_id", "quote"],
                    "additionalProperties": False,
                },
            },
            "rationale": {"type": "string", "maxLength": MAX_RATIONALE},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["verdict", "evidence", "rationale", "confidence"],
        "additionalProperties": False,
    }


@dataclasses.dataclass(frozen=True)
class Cited:
    utterance_id: str
    quote: str
    start: float
    end: float
    speaker: str


@dataclasses.dataclass(frozen=True)
class Answer:
    verdict: str
    evidence: list[Cited]
    rationale: str
    confidence: float


def parse_answer(text: str, transcript: Transcript, choices: Sequence[str]) -> Answer:
    """Check one reply; raises :class:`InvalidAnswer` naming the first problem."""
    if not isinstance(text, str):
        raise InvalidAnswer(f"reply content is {type(text).__name__}, not text")
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidAnswer(
            f"reply is {len(text)} characters; at most {MAX_REPLY_CHARS}"
        )
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"reply is not complete JSON ({exc.msg})") from None
    except RecursionError:
        raise InvalidAnswer("reply nests too deeply to be an answer") from None
    if not isinstance(raw, dict):
        raise InvalidAnswer("reply is not a JSON object")
    verdict = raw.get("verdict")
    if verdict not in choices:
        raise InvalidAnswer(f"verdict {verdict!r} is not one of {list(choices)}")
    confidence = raw.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise InvalidAnswer(f"confidence {confidence!r} is not a number")
    if not 0 <= confidence <= 1:
        raise InvalidAnswer(f"confidence {confidence!r} is outside [0, 1]")
    rationale = raw.get("rationale")
    if not isinstance(rationale, str):
        raise InvalidAnswer("rationale is missing")
    if len(rationale) > MAX_RATIONALE:
        raise InvalidAnswer(f"rationale is longer than {MAX_RATIONALE} characters")
    evidence = raw.get("evidence")
    if not isinstance(evidence, list):
        raise InvalidAnswer("evidence is not a list")
    by_id = {u.id: u for u in transcript.utterances}
    cited: list[Cited] = []
    for i, item in enumerate(evidence[:MAX_EVIDENCE]):
        if not isinstance(item, dict):
            raise InvalidAnswer(f"evidence[{i}] is not an object")
        uid, quote = item.get("utterance_id"), item.get("quote")
        if not isinstance(uid, str) or uid not in by_id:
            raise InvalidAnswer(
                f"evidence[{i}] cites utterance {uid!r}, which does not exist"
            )
        utterance = by_id[uid]
        if not isinstance(quote, str) or not quote.strip():
            raise InvalidAnswer(f"evidence[{i}] has no quote")
        if len(quote) > MAX_QUOTE:
            raise InvalidAnswer(f"evidence[{i}] quote is longer than {MAX_QUOTE}")
        # A fragment of a word matches anything: a quote must carry some of
        # the utterance (10 characters, or all of a shorter utterance).
        if len(quote.strip()) < min(MIN_QUOTE, len(utterance.text.strip())):
            raise InvalidAnswer(
                f"evidence[{i}] quote {quote!r} is too short to show anything"
            )
        similarity = fuzz.partial_ratio(quote.lower(), utterance.text.lower())
        if similarity < QUOTE_MIN_SIMILARITY:
            raise InvalidAnswer(
                f"evidence[{i}] quote {quote[:60]!r} is not in utterance {uid} "
                f"(similarity {similarity:.0f} < {QUOTE_MIN_SIMILARITY:.0f})"
            )
        if not 0 <= utterance.start <= utterance.end <= transcript.duration + 1e-6:
            raise InvalidAnswer(f"evidence[{i}] lies outside the call")
        cited.append(
            Cited(uid, quote.strip(), utterance.start, utterance.end, utterance.speaker)
        )
    if verdict == "met" and not cited:
        raise InvalidAnswer(f"verdict {verdict!r} cites no evidence")
    return Answer(str(verdict), cited, rationale.strip(), float(confidence))
