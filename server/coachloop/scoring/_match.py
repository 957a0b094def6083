"""Fuzzy phrase search over utterances, tolerant of ASR errors.

Telephony ASR mishears single sounds ("car number" for "card number"), so a
phrase counts as said when some run of words in the speaker's speech is
similar enough to it by rapidfuzz's normalised Levenshtein ratio. Runs may
cross from one utterance into the next of the same speaker, because a pause
can split a sentence in two. rapidfuzz is used over difflib for its speed
(C++), which matters when every criterion scans the whole call.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from coachloop.transcript import Utterance

_NON_WORD = re.compile(r"[^a-z0-9]+")
SHORT_PHRASE_CHARS = 8
SHORT_PHRASE_FLOOR = 90.0
"""Short phrases need a closer match: at 80, "sorry" would match "story"."""
EDGE_WORD_FLOOR = 70.0
"""The first and last words of a run must each resemble the phrase's own.

A whole-string ratio alone lets a shared prefix carry a match ("your last
name so" is 80% like "your last payment"); anchoring both ends keeps the
tolerance for one misheard sound ("car number") without that.
"""


NEGATIONS = frozenset(
    {"not", "never", "no", "cannot", "cant", "wont", "dont", "didnt", "wouldnt", "isnt"}
)
"""A run of words with one of these (or one just before it) that the phrase
lacks is a denial: "this call is not recorded" is no recording disclosure, and
"I cannot promise" is no promise."""


def normalize(text: str) -> list[str]:
    """Lower-case words with punctuation and apostrophes removed."""
    return _NON_WORD.sub(" ", text.lower().replace("'", "")).split()


@dataclasses.dataclass(frozen=True)
class Hit:
    phrase: str
    similarity: float
    utterances: tuple[Utterance, ...]

    @property
    def start(self) -> float:
        return self.utterances[0].start

    @property
    def end(self) -> float:
        return max(u.end for u in self.utterances)


class PhraseMatcher:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def find(
        self,
        phrases: Sequence[str],
        utterances: Sequence[Utterance],
        threshold: float | None = None,
    ) -> list[Hit]:
        """Every non-overlapping occurrence of any phrase, in time order.

        ``utterances`` should be one speaker's (or the whole call's, for
        ``any``), in time order; a run of words may span two neighbours.
        """
        tokens: list[tuple[str, int]] = [
            (word, index)
            for index, utt in enumerate(utterances)
            for word in normalize(utt.text)
        ]
        hits: list[tuple[int, int, Hit]] = []
        for phrase in phrases:
            target = " ".join(normalize(phrase))
            if not target:
                continue
            floor = threshold if threshold is not None else self.threshold
            if len(target) < SHORT_PHRASE_CHARS:
                floor = max(floor, SHORT_PHRASE_FLOOR)
            n = len(target.split())
            allowed = NEGATIONS.intersection(target.split())
            for begin, end, score in _best_runs(target, n, tokens, floor):
                first, last = tokens[begin][1], tokens[end - 1][1]
                if last - first > 1:
                    continue
                nearby = {t for t, _ in tokens[max(0, begin - 2) : end]} - allowed
                if nearby & NEGATIONS:
                    continue
                hits.append(
                    (
                        begin,
                        end,
                        Hit(
                            phrase, round(score, 1), tuple(utterances[first : last + 1])
                        ),
                    )
                )
        return _non_overlapping(hits)

    def first(
        self,
        phrases: Sequence[str],
        utterances: Sequence[Utterance],
        threshold: float | None = None,
    ) -> Hit | None:
        found = self.find(phrases, utterances, threshold)
        return found[0] if found else None


def _best_runs(
    target: str, n: int, tokens: list[tuple[str, int]], floor: float
) -> list[tuple[int, int, float]]:
    """Runs of n-1..n+1 words scoring at least ``floor``; best run per start."""
    runs: list[tuple[int, int, float]] = []
    sizes = sorted({max(1, n - 1), n, n + 1})
    target_words = target.split()
    first_word, last_word = target_words[0], target_words[-1]
    for begin in range(len(tokens)):
        best: tuple[int, int, float] | None = None
        for size in sizes:
            end = begin + size
            if end > len(tokens):
                break
            words = [t for t, _ in tokens[begin:end]]
            score = fuzz.ratio(target, " ".join(words), score_cutoff=floor)
            if not score or (best is not None and score <= best[2]):
                continue
            if _edges_match(first_word, last_word, words[0], words[-1]):
                best = (begin, end, score)
        if best is not None:
            runs.append(best)
    return runs


def _edges_match(first: str, last: str, got_first: str, got_last: str) -> bool:
    return (
        fuzz.ratio(first, got_first) >= EDGE_WORD_FLOOR
        and fuzz.ratio(last, got_last) >= EDGE_WORD_FLOOR
    )


def _non_overlapping(hits: list[tuple[int, int, Hit]]) -> list[Hit]:
    # Best similarity wins a contested run of words; then report in time order.
    taken: list[tuple[int, int, Hit]] = []
    for begin, end, hit in sorted(hits, key=lambda h: (-h[2].similarity, h[0])):
        if all(end <= b or begin >= e for b, e, _ in taken):
            taken.append((begin, end, hit))
    return [hit for _, _, hit in sorted(taken, key=lambda h: h[0])]
