"""The resident Whisper model (CTranslate2): voice detection, chunks, batches.

The engine holds only the loaded model and its options; everything about one
call lives in the arguments and return values, so one engine serves many
requests without text crossing between them. A channel goes through three
steps, which the scheduler (``_scheduler.py``) runs for many calls at once:
:meth:`WhisperEngine.speech` (VAD and chunks), :meth:`WhisperEngine.decode`
(a batch of chunks from any calls) and :func:`channel_result` (the words back
on the channel's timeline).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from coachloop import envs
from coachloop.audio import SAMPLE_RATE
from coachloop.audio._decode import duration_of
from coachloop.config import BatchConfig
from coachloop.document import AsrOptions
from coachloop.engines.asr._batch import BatchDecoder, ChunkText, DecodeOptions
from coachloop.engines.asr._chunks import WINDOW_S, Chunk, pack
from coachloop.errors import EngineError
from coachloop.transcript import Word

if TYPE_CHECKING:
    from coachloop.config import AsrConfig

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Speech:
    """One channel after voice detection: what the model still has to read."""

    chunks: list[Chunk]
    voiced: list[tuple[float, float]]
    duration: float
    vad_s: float


@dataclasses.dataclass(frozen=True)
class ChannelResult:
    words: list[Word]
    voiced: list[tuple[float, float]]
    """Speech regions the VAD found, in seconds on the call's timeline."""
    vad_s: float
    asr_s: float


class WhisperEngine:
    """A Whisper model loaded once and shared by every request."""

    def __init__(self, config: AsrConfig, batch: BatchConfig | None = None) -> None:
        envs.set_offline()
        from faster_whisper import WhisperModel

        self.config = config
        self.batch = batch or BatchConfig()
        self.model_path = config.resolved_model_path()
        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                str(self.model_path),
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=config.cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise EngineError(
                f"could not load the Whisper model at {self.model_path}: {exc}"
            ) from exc
        self._decoder = BatchDecoder(
            self._model, DecodeOptions(beam_size=config.beam_size), config.language
        )
        logger.info(
            "loaded whisper model=%s device=%s compute_type=%s in %.2fs",
            self.model_path,
            config.device,
            config.compute_type,
            time.perf_counter() - started,
        )

    def options(self) -> AsrOptions:
        """The effective settings, echoed in every result document."""
        c = self.config
        return AsrOptions(
            model_path=str(self.model_path),
            device=c.device,
            compute_type=c.compute_type,
            beam_size=c.beam_size,
            cpu_threads=c.cpu_threads,
            language=c.language,
            vad_filter=c.vad_filter,
            vad_min_silence_ms=c.vad_min_silence_ms,
            vad_threshold=c.vad_threshold,
            utterance_gap_s=c.utterance_gap_s,
        )

    def speech(self, audio: npt.NDArray[np.float32]) -> Speech:
        """Voice detection and chunking of one channel (CPU, no model)."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        c = self.config
        started = time.perf_counter()
        if c.vad_filter:
            options = VadOptions(
                threshold=c.vad_threshold,
                min_silence_duration_ms=c.vad_min_silence_ms,
                max_speech_duration_s=WINDOW_S,
            )
            regions = [
                (r["start"], r["end"]) for r in get_speech_timestamps(audio, options)
            ]
        else:
            regions = [(0, len(audio))] if len(audio) else []
        voiced = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in regions]
        # Nothing voiced: no chunk, so the model never invents text over silence.
        chunks = pack(audio, regions)
        return Speech(chunks, voiced, duration_of(audio), time.perf_counter() - started)

    def decode(self, chunks: Sequence[Chunk]) -> list[ChunkText]:
        """One batch through the model: one result per chunk, checked."""
        try:
            results = self._decoder.decode(chunks)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"speech recognition failed: {exc}") from exc
        if len(results) != len(chunks):
            raise EngineError(
                f"the model returned {len(results)} results for {len(chunks)} chunks"
            )
        return results

    def transcribe_channel(self, audio: npt.NDArray[np.float32]) -> ChannelResult:
        """One channel on its own, in batches of its own chunks (CLI, tests)."""
        speech = self.speech(audio)
        started = time.perf_counter()
        texts: list[ChunkText] = []
        size = self.batch.max_batch_size
        for i in range(0, len(speech.chunks), size):
            texts.extend(self.decode(speech.chunks[i : i + size]))
        return channel_result(speech, texts, time.perf_counter() - started)


def channel_result(
    speech: Speech, texts: Sequence[ChunkText], asr_s: float
) -> ChannelResult:
    """The channel's words in time order, inside ``[0, duration]``."""
    words = sorted(
        (_clamp(w, speech.duration) for t in texts for w in t.words),
        key=lambda w: (w.start, w.end),
    )
    return ChannelResult(words, speech.voiced, speech.vad_s, asr_s)


def _clamp(word: Word, duration: float) -> Word:
    # Keep the invariant 0 <= start <= end <= duration after rounding.
    start = min(max(word.start, 0.0), duration)
    end = min(max(word.end, start), duration)
    return Word(start, end, word.text, word.probability)
