"""The judge's prompt: the question, the transcript with ids and times, facts.

Every criterion of a call gets the same system message and the same
transcript block first, and its own question last, so a server with prefix
caching (vLLM) computes the shared part once per call.
"""

from __future__ import annotations

from collections.abc import Sequence

from coachloop.rubrics._schema import LlmCheck
from coachloop.timefmt import mmss
from coachloop.transcript import Transcript

SYSTEM = (
    "You are a quality reviewer for a contact center. You answer one question "
    "about one call, using only the transcript and the timing facts given. "
    "Reply with JSON only, matching the schema: a verdict from the allowed "
    "choices, the utterances that show it (their ids, each with a short quote "
    "copied exactly from that utterance), a one-sentence rationale, and your "
    "confidence from 0 to 1. Quote nothing that is not in the transcript."
)


def transcript_block(transcript: Transcript, facts: Sequence[str]) -> str:
    lines = ["TRANSCRIPT (id, start m:ss, speaker: text)"]
    for u in transcript.utterances:
        lines.append(f"{u.id} {mmss(u.start)} {u.speaker}: {u.text}")
    lines.append("")
    lines.append("TIMING FACTS (measured from the audio timeline)")
    lines += [f"- {f}" for f in facts]
    return "\n".join(lines)


def question_block(name: str, check: LlmCheck) -> str:
    lines = [f"QUESTION ({name}): {check.question}"]
    if check.guidance.strip():
        lines.append(f"GUIDANCE: {' '.join(check.guidance.split())}")
    for example in check.examples:
        lines.append(f"EXAMPLE: {' '.join(example.split())}")
    lines.append(f"ALLOWED VERDICTS: {', '.join(check.choices)}")
    lines.append(
        'Answer as {"verdict": ..., "evidence": [{"utterance_id": ..., '
        '"quote": ...}], "rationale": ..., "confidence": ...}'
    )
    return "\n".join(lines)


def messages(
    transcript: Transcript, facts: Sequence[str], name: str, check: LlmCheck
) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM},
        {
            "role": "user",
            "content": transcript_block(transcript, facts)
            + "\n\n"
            + question_block(name, check),
        },
    ]
