"""Coaching notes in a manager's voice, written by the judge from the evidence.

The template note is always drafted first. The judge may rewrite its text,
but every moment the rewrite cites (m:ss) must be one of the evidence's or
the excerpt's times: a note that sends a manager to a moment that did not
happen is worse than a plain one, so a rewrite citing anything else is
rejected and the template kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from coachloop.document import CriterionResult, Note
from coachloop.timefmt import mmss

_TIME = re.compile(r"\b(\d{1,3}):([0-5]\d)\b")
TOLERANCE_S = 1.0

NOTE_SYSTEM = (
    "You are a contact-center team manager writing a short coaching note to "
    "one agent. Keep every fact and every time (m:ss) from the draft and the "
    "evidence; add no new moments. Warm, direct, second person, under 120 "
    "words. Keep the five parts: criterion and points, what happened with "
    "times, why it matters, what to do instead, the next-call target."
)


def note_schema() -> dict[str, object]:
    return {
        "type": "object",
        "properties": {"text": {"type": "string", "maxLength": 1200}},
        "required": ["text"],
        "additionalProperties": False,
    }


def note_messages(note: Note, result: CriterionResult) -> list[dict[str, str]]:
    evidence = "\n".join(
        f"- {mmss(e.start)}-{mmss(e.end)} {e.speaker or 'silence'}: {e.reason}"
        for e in result.evidence
    )
    return [
        {"role": "system", "content": NOTE_SYSTEM},
        {
            "role": "user",
            "content": f"NOTE ({note.criterion_name})\nDRAFT:\n{note.text}\n\n"
            f'EVIDENCE:\n{evidence}\n\nReply as JSON: {{"text": ...}}',
        },
    ]


def allowed_times(note: Note, result: CriterionResult) -> list[float]:
    times = [note.excerpt.start, note.excerpt.end]
    for e in result.evidence:
        times += [e.start, e.end]
    return times


def check_rewrite(
    text: str, allowed: Sequence[float], points: str | None = None
) -> str | None:
    """``None`` when the rewrite keeps the points and cites only allowed
    moments (and at least one of them), else why not."""
    if not text.strip():
        return "the rewrite is empty"
    if points is not None and points not in text:
        return f"it drops the points ({points})"
    if not _TIME.search(text):
        return "it cites no moment of the call"
    for match in _TIME.finditer(text):
        t = int(match[1]) * 60 + int(match[2])
        if not any(abs(t - a) <= TOLERANCE_S for a in allowed):
            return f"it cites {match[0]}, which is not in the evidence"
    return None


def parse_rewrite(raw: object) -> str | None:
    if not isinstance(raw, str) or len(raw) > 20_000:
        return None
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return None
    text = value.get("text") if isinstance(value, dict) else None
    return text.strip() if isinstance(text, str) else None
