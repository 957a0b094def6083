"""Speech chunks: VAD regions of one channel packed into model-sized windows.

Whisper reads 30-second windows. A chunk is several voiced regions laid end to
end (the silence between them left out) up to that length, and it remembers
where each region came from, so a time inside the chunk maps back to the
call's own timeline exactly: the model never sees the original offsets, and
no word can land in a silence that was cut.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from coachloop.audio import SAMPLE_RATE

WINDOW_S = 30.0
"""Whisper's input window; a longer voiced region is split across chunks."""


@dataclasses.dataclass(frozen=True)
class Piece:
    """One voiced region inside a chunk: chunk time ``local`` is call time
    ``source`` for ``length`` seconds."""

    local: float
    source: float
    length: float


@dataclasses.dataclass(frozen=True)
class Chunk:
    audio: npt.NDArray[np.float32]
    pieces: tuple[Piece, ...]

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    def to_call_time(self, t: float) -> float:
        """Chunk time -> call time. A time in no piece (rounding at an edge, or
        past the end) snaps to the nearest piece edge."""
        t = min(max(t, 0.0), self.duration)
        for piece in self.pieces:
            if t <= piece.local + piece.length:
                return piece.source + max(0.0, t - piece.local)
        last = self.pieces[-1]
        return last.source + last.length


def pack(
    audio: npt.NDArray[np.float32],
    regions: Sequence[tuple[int, int]],
    window_s: float = WINDOW_S,
) -> list[Chunk]:
    """Pack voiced ``regions`` (sample ranges, in order) into chunks of at most
    ``window_s`` seconds."""
    limit = int(window_s * SAMPLE_RATE)
    chunks: list[Chunk] = []
    parts: list[npt.NDArray[np.float32]] = []
    pieces: list[Piece] = []
    filled = 0

    def flush() -> None:
        nonlocal parts, pieces, filled
        if parts:
            chunks.append(Chunk(np.concatenate(parts), tuple(pieces)))
        parts, pieces, filled = [], [], 0

    for start, end in regions:
        start, end = max(0, start), min(len(audio), end)
        while end > start:
            if filled == limit:
                flush()
            take = min(end - start, limit - filled)
            if filled and take < end - start:
                # A region that does not fit starts the next chunk whole
                # rather than being cut mid-word at the window edge.
                flush()
                take = min(end - start, limit)
            parts.append(audio[start : start + take])
            pieces.append(
                Piece(
                    local=filled / SAMPLE_RATE,
                    source=start / SAMPLE_RATE,
                    length=take / SAMPLE_RATE,
                )
            )
            filled += take
            start += take
    flush()
    return chunks
