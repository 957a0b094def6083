from __future__ import annotations

from collections.abc import Sequence

from coachloop.transcript import Speaker, Utterance, Word


def build_utterances(
    words_by_speaker: Sequence[tuple[Speaker, Sequence[Word]]], gap_s: float
) -> list[Utterance]:
    """Group each speaker's words into utterances and merge them on one timeline.

    A pause of ``gap_s`` or more between two words starts a new utterance.
    Utterances of different speakers may overlap (overtalk is kept); the
    result is sorted by start time and numbered ``u0``, ``u1``, ...
    """
    groups: list[tuple[Speaker, list[Word]]] = []
    for speaker, words in words_by_speaker:
        current: list[Word] = []
        for word in sorted(words, key=lambda w: w.start):
            if current and word.start - current[-1].end >= gap_s:
                groups.append((speaker, current))
                current = []
            current.append(word)
        if current:
            groups.append((speaker, current))
    groups.sort(key=lambda g: (g[1][0].start, g[1][-1].end))
    return [
        Utterance(
            id=f"u{i}",
            speaker=speaker,
            start=words[0].start,
            end=max(w.end for w in words),
            text=" ".join(w.text for w in words),
            words=list(words),
        )
        for i, (speaker, words) in enumerate(groups)
    ]
