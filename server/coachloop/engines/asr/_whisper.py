"""faster-whisper (CTranslate2) on one channel at a time, on the call's timeline.

The engine holds only the loaded model and its options; everything about one
call lives in the arguments and return values, so one engine serves many
requests without text crossing between them.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from coachloop import envs
from coachloop.audio import SAMPLE_RATE
from coachloop.audio._decode import duration_of
from coachloop.document import AsrOptions
from coachloop.errors import EngineError
from coachloop.transcript import Word

if TYPE_CHECKING:
    from coachloop.config import AsrConfig

logger = logging.getLogger(__name__)

# Tokens Whisper emits for music and noise rather than speech.
_NON_SPEECH = frozenset("♪♫♬*-–—.,!?…")


@dataclasses.dataclass(frozen=True)
class ChannelResult:
    words: list[Word]
    voiced: list[tuple[float, float]]
    """Speech regions the VAD found, in seconds on the call's timeline."""
    vad_s: float
    asr_s: float


class WhisperEngine:
    """A Whisper model loaded once and shared by every request."""

    def __init__(self, config: AsrConfig) -> None:
        envs.set_offline()
        from faster_whisper import WhisperModel

        self.config = config
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

    def transcribe_channel(self, audio: npt.NDArray[np.float32]) -> ChannelResult:
        """Words of one channel with times in seconds from the start of the call."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        c = self.config
        duration = duration_of(audio)
        vad_options = VadOptions(
            threshold=c.vad_threshold, min_silence_duration_ms=c.vad_min_silence_ms
        )
        started = time.perf_counter()
        regions = get_speech_timestamps(audio, vad_options)
        voiced = [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in regions]
        vad_s = time.perf_counter() - started
        if c.vad_filter and not voiced:
            # Nothing voiced: skip the model, which invents text over silence.
            return ChannelResult([], [], vad_s, 0.0)
        started = time.perf_counter()
        try:
            segments, _info = self._model.transcribe(
                audio,
                language=c.language,
                beam_size=c.beam_size,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=c.vad_filter,
                vad_parameters=vad_options,
            )
            words = [
                _clamp(w, duration)
                for segment in segments
                for w in segment.words or ()
                if not _is_noise(w.word)
            ]
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"speech recognition failed: {exc}") from exc
        return ChannelResult(words, voiced, vad_s, time.perf_counter() - started)


def _is_noise(token: str) -> bool:
    stripped = token.strip()
    return not stripped or all(ch in _NON_SPEECH for ch in stripped)


def _clamp(word: Any, duration: float) -> Word:
    # Whisper's word times can overshoot the end of the audio by a frame or
    # start after they end; keep the invariant 0 <= start <= end <= duration.
    start = min(max(float(word.start), 0.0), duration)
    end = min(max(float(word.end), start), duration)
    start, end = round(start, 3), round(end, 3)
    return Word(
        min(start, duration),
        min(end, duration),
        word.word.strip(),
        float(word.probability),
    )
