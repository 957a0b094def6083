"""The call's words on its own timeline, and the transcript JSON users may send.

Speakers are roles, never guesses: ``agent`` and ``customer`` come from the
channel map of a stereo recording, ``unknown`` from a mono one.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from coachloop.errors import BadRequest

Speaker = Literal["agent", "customer", "unknown"]
MAX_DURATION_S = 24 * 3600
"""No call lasts a day; larger times are a unit mistake (milliseconds?)."""


class Word(msgspec.Struct, frozen=True):
    start: float
    end: float
    text: str
    probability: float = 1.0


class Utterance(msgspec.Struct, frozen=True):
    id: str
    speaker: Speaker
    start: float
    end: float
    text: str
    words: list[Word] = []


class Transcript(msgspec.Struct, frozen=True):
    utterances: list[Utterance]
    duration: float

    @property
    def has_roles(self) -> bool:
        return any(u.speaker != "unknown" for u in self.utterances)

    @property
    def has_speech(self) -> bool:
        return any(u.text.strip() for u in self.utterances)


class _InUtterance(msgspec.Struct, forbid_unknown_fields=True):
    speaker: Speaker
    start: float
    end: float
    text: str


UtteranceIn = _InUtterance
"""One utterance of a transcript sent by a caller."""


MAX_UTTERANCES = 20_000
MAX_UTTERANCE_WORDS = 2_000
"""Speech runs about 150 words a minute: this is over 13 minutes unbroken."""
MAX_WORDS = 200_000
"""About 22 hours of speech. Matching cost grows with words, so the bound
keeps one request from holding a scoring thread for minutes."""


class TranscriptIn(msgspec.Struct, forbid_unknown_fields=True):
    """The transcript a caller may send instead of audio."""

    utterances: list[_InUtterance]
    duration: float | None = None


def transcript_from_input(raw: TranscriptIn) -> Transcript:
    """Check times and order and give each utterance an id.

    Raises:
        BadRequest: a time is negative, an utterance ends before it starts, or
            one ends after the stated duration.
    """
    if len(raw.utterances) > MAX_UTTERANCES:
        raise BadRequest(
            f"transcript has {len(raw.utterances)} utterances; at most "
            f"{MAX_UTTERANCES} are accepted (a 24-hour call has fewer)"
        )
    words = 0
    for i, u in enumerate(raw.utterances):
        n = len(u.text.split())
        if n > MAX_UTTERANCE_WORDS:
            raise BadRequest(
                f"transcript.utterances[{i}] has {n} words; at most "
                f"{MAX_UTTERANCE_WORDS} per utterance (split it at pauses)"
            )
        words += n
    if words > MAX_WORDS:
        raise BadRequest(
            f"transcript has {words} words; at most {MAX_WORDS} are accepted"
        )
    latest = max((u.end for u in raw.utterances), default=0.0)
    duration = raw.duration if raw.duration is not None else latest
    if not 0 <= duration <= MAX_DURATION_S:
        raise BadRequest(
            f"transcript.duration must be in [0, {MAX_DURATION_S}] seconds, "
            f"got {duration!r}"
        )
    for i, u in enumerate(raw.utterances):
        where = f"transcript.utterances[{i}]"
        if u.start < 0:
            raise BadRequest(f"{where}.start must be >= 0, got {u.start!r}")
        if u.end < u.start:
            raise BadRequest(
                f"{where}.end ({u.end!r}) is before its start ({u.start!r})"
            )
        if u.end > duration + 1e-6:
            raise BadRequest(
                f"{where}.end ({u.end!r}) is after the call's duration ({duration!r})"
            )
    ordered = sorted(raw.utterances, key=lambda u: (u.start, u.end))
    return Transcript(
        utterances=[
            Utterance(f"u{i}", u.speaker, u.start, u.end, u.text.strip())
            for i, u in enumerate(ordered)
        ],
        duration=duration,
    )
