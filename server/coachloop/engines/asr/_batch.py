"""Decode a batch of speech chunks with CTranslate2 Whisper, words on call time.

This is the one place that drives the model. It holds only what every request
shares (model, tokenizer, prompt, decoding options); a batch's chunks may come
from different calls, and nothing computed for one chunk is used for another:
each chunk's words are timed from its own alignment and its own pieces.

It uses the building blocks faster-whisper's own batched pipeline uses
(feature extractor, ``encode``, ``generate``, ``find_alignment``), but not
that pipeline: it carries one "last speech" time from chunk to chunk, which
would let one call's timing shape another's in a mixed batch.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from coachloop.engines.asr._chunks import Chunk
from coachloop.transcript import Word

_PREPEND = "\"'“¿([{-"
_APPEND = "\"'.。,，!！?？:：”)]}、"
_NON_SPEECH = frozenset("♪♫♬*-–—.,!?…")
"""Tokens Whisper emits for music and noise rather than speech."""
_MAX_WORD_S = 0.7
"""Cap of the typical word length used to trim overlong edge words."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class DecodeOptions:
    beam_size: int = 1
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    """Text this repetitive is a loop over noise or music, not speech: dropped."""


@dataclasses.dataclass(frozen=True)
class ChunkText:
    words: list[Word]
    dropped: str | None
    """Why the chunk's text was dropped (no speech, a repetition loop)."""


class BatchDecoder:
    def __init__(self, model: Any, options: DecodeOptions, language: str) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._model = model
        self.options = options
        multilingual = model.model.is_multilingual
        self._tokenizer = Tokenizer(
            model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language=language if multilingual else "en",
        )
        # Word times come from the aligner, so the decoder need not spend
        # steps on timestamp tokens (faster-whisper's batched pipeline agrees).
        self._prompt = tuple(
            model.get_prompt(
                self._tokenizer, previous_tokens=[], without_timestamps=True
            )
        )
        self._suppress = list(get_suppressed_tokens(self._tokenizer, (-1,)) or ())

    def decode(self, chunks: Sequence[Chunk]) -> list[ChunkText]:
        """One result per chunk, in order. Blocking: runs the model."""
        from faster_whisper.audio import pad_or_trim

        if not chunks:
            return []
        m = self._model
        features = np.stack(
            [pad_or_trim(m.feature_extractor(c.audio)[..., :-1]) for c in chunks]
        )
        encoded = m.encode(features)
        results = m.model.generate(
            encoded,
            [list(self._prompt) for _ in chunks],
            beam_size=self.options.beam_size,
            max_length=m.max_length,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            return_scores=True,
            return_no_speech_prob=True,
        )
        tok = self._tokenizer
        tokens = [[t for t in r.sequences_ids[0] if t < tok.eot] for r in results]
        keep = [self._keep(r, t) for r, t in zip(results, tokens, strict=True)]
        # Align every chunk that kept text in the one batch; an empty token
        # list would make the aligner fail, so those get a placeholder and
        # their alignment is ignored.
        placeholder = tok.encode(" .")
        to_align = [
            t if k is None and t else placeholder
            for t, k in zip(tokens, keep, strict=True)
        ]
        frames = [int(math.ceil(c.duration) * m.frames_per_second) for c in chunks]
        alignments = m.find_alignment(tok, to_align, encoded, frames)
        if len(alignments) != len(chunks):
            raise RuntimeError(
                f"aligner returned {len(alignments)} results for {len(chunks)} chunks"
            )
        out = []
        for chunk, why, text, alignment in zip(
            chunks, keep, tokens, alignments, strict=True
        ):
            if why is not None or not text:
                out.append(ChunkText([], why))
            else:
                out.append(ChunkText(_timed_words(alignment, chunk), None))
        return out

    def _keep(self, result: Any, tokens: list[int]) -> str | None:
        """``None`` to keep the chunk's text, or why it is dropped."""
        o = self.options
        n = len(result.sequences_ids[0])
        avg_logprob = result.scores[0] * n / (n + 1) if n else -math.inf
        if (
            result.no_speech_prob > o.no_speech_threshold
            and avg_logprob < o.log_prob_threshold
        ):
            return "no speech"
        text = self._tokenizer.decode(tokens).encode()
        if (
            text
            and len(text) / len(zlib.compress(text)) > o.compression_ratio_threshold
        ):
            return "repetition loop"
        return None


def _timed_words(alignment: list[dict[str, Any]], chunk: Chunk) -> list[Word]:
    from faster_whisper.transcribe import merge_punctuations

    merge_punctuations(alignment, _PREPEND, _APPEND)
    spoken = [a for a in alignment if a["word"] and not _is_noise(a["word"])]
    lengths = [a["end"] - a["start"] for a in spoken if a["end"] > a["start"]]
    typical = (
        float(min(_MAX_WORD_S, statistics.median(lengths))) if lengths else _MAX_WORD_S
    )
    longest = 2 * typical
    words: list[Word] = []
    previous_piece = -1
    for i, a in enumerate(spoken):
        start, end = float(a["start"]), float(a["end"])
        piece = _piece_of(chunk, (start + end) / 2)
        bounds = chunk.pieces[piece]
        # Keep the word inside the voiced region it mostly belongs to: it
        # cannot start in a silence that was cut out.
        start = min(max(start, bounds.local), bounds.local + bounds.length)
        end = min(max(end, start), bounds.local + bounds.length)
        first = piece != previous_piece
        last = (
            i + 1 == len(spoken)
            or _piece_of(chunk, (spoken[i + 1]["start"] + spoken[i + 1]["end"]) / 2)
            != piece
        )
        # The aligner stretches the first word after a pause back to the
        # pause's start, and the last word before one into it; trim both to
        # twice the typical word length.
        if first and end - start > longest:
            start = end - longest
        if last and end - start > longest:
            end = start + longest
        previous_piece = piece
        call_start = bounds.source + (start - bounds.local)
        call_end = bounds.source + (end - bounds.local)
        words.append(
            Word(
                round(float(call_start), 3),
                round(float(call_end), 3),
                str(a["word"]).strip(),
                float(a["probability"]),
            )
        )
    return words


def _piece_of(chunk: Chunk, t: float) -> int:
    for i, piece in enumerate(chunk.pieces):
        if t < piece.local + piece.length:
            return i
    return len(chunk.pieces) - 1


def _is_noise(token: str) -> bool:
    stripped = token.strip()
    return not stripped or all(ch in _NON_SPEECH for ch in stripped)
