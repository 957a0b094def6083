"""Timing facts for the judge: what the rules measured, in plain lines.

An LLM reading a transcript cannot see overlaps or silences; these lines give
it what the rule engine computed (interruptions, dead air, talk share, the
opening seconds), so a question about timing can be answered from evidence.
"""

from __future__ import annotations

from coachloop.rubrics._schema import DeadAirCheck, InterruptionsCheck, TalkShareCheck
from coachloop.scoring._checks import (
    Context,
    check_dead_air,
    check_interruptions,
    check_talk_share,
)
from coachloop.scoring._match import PhraseMatcher
from coachloop.timefmt import mmss
from coachloop.transcript import Transcript


def timing_facts(
    transcript: Transcript, matcher: PhraseMatcher, first_s: float = 30.0
) -> list[str]:
    ctx = Context(transcript, matcher, "timing facts")
    lines: list[str] = [f"call length {mmss(transcript.duration)}"]
    talk = check_talk_share(TalkShareCheck(), ctx)
    if talk.status != "na":
        lines.append(talk.summary)
    interruptions = check_interruptions(InterruptionsCheck(), ctx, 1.0)
    if interruptions.status != "na":
        lines.append(f"interruptions: {interruptions.summary}")
        lines += [f"  {e.reason}" for e in interruptions.evidence[:10]]
    silences = check_dead_air(DeadAirCheck(), ctx, 1.0)
    lines.append(f"silences of 10 s or more: {silences.summary}")
    lines += [f"  {e.reason}" for e in silences.evidence[:10]]
    opening = [u for u in transcript.utterances if u.start < first_s]
    said = " / ".join(f"{u.speaker}: {u.text}" for u in opening) or "(nothing)"
    lines.append(f"said in the first {first_s:g} s: {said}")
    return lines
