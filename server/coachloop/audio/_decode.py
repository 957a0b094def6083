"""Decode a recording with PyAV into one float32 array per channel.

PyAV is what faster-whisper itself uses, so every container and codec FFmpeg
knows (PCM WAV of any width, G.711 mu-law and A-law, MP3, FLAC, Ogg/Opus) is
accepted at any sample rate. We decode here rather than through
``faster_whisper.decode_audio`` because that helper splits stereo only and
reports corrupt input as a generic exception; here every failure is a
:class:`~coachloop.errors.BadAudio` that says what was wrong.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math

import numpy as np
import numpy.typing as npt

from coachloop.errors import BadAudio

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Whisper's input rate; every channel is resampled to it."""


@dataclasses.dataclass(frozen=True)
class DecodedAudio:
    channels: list[npt.NDArray[np.float32]]
    """One array per source channel, at :data:`SAMPLE_RATE`."""
    source_rate: int
    codec: str
    container: str

    @property
    def duration(self) -> float:
        return duration_of(self.channels[0]) if self.channels else 0.0


def duration_of(samples: npt.NDArray[np.float32]) -> float:
    """Length in seconds, floored to the millisecond.

    Flooring (not rounding) keeps every time clamped to it, once rounded to
    the millisecond itself, inside ``[0, duration]``.
    """
    return math.floor(len(samples) * 1000 / SAMPLE_RATE) / 1000


def decode_audio(data: bytes) -> DecodedAudio:
    """Decode a whole recording held in memory.

    Raises:
        BadAudio: the bytes are empty, not a known container, hold no audio
            stream, hold more than two channels, or decode to no samples.
    """
    if not data:
        raise BadAudio("the audio is empty (0 bytes)")
    import av  # PyAV is heavy; keep importing coachloop cheap

    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise BadAudio(
            f"could not read the audio: not a recognised container or no header "
            f"({_reason(exc)})"
        ) from None
    with container:
        streams = container.streams.audio
        if not streams:
            raise BadAudio("the file holds no audio stream")
        stream = streams[0]
        n_channels = stream.codec_context.channels or 0
        if n_channels not in (1, 2):
            raise BadAudio(
                f"expected a mono or stereo recording, got {n_channels} channels"
            )
        layout = "mono" if n_channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        pieces: list[npt.NDArray[np.float32]] = []
        try:
            for frame in container.decode(stream):
                # Some demuxers give frames without a layout; resampling needs one.
                frame.pts = None
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray())
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray())
        except (av.error.FFmpegError, ValueError) as exc:
            raise BadAudio(f"the audio is corrupt: {_reason(exc)}") from None
        codec = stream.codec_context.name
        rate = stream.codec_context.sample_rate or 0
        fmt = container.format.name
    if not pieces:
        raise BadAudio(f"the {codec} stream decoded to no samples")
    planar = np.concatenate(pieces, axis=1).astype(np.float32, copy=False)
    if planar.shape[1] == 0:
        raise BadAudio(
            f"the {codec} stream ({rate} Hz) is too short: it decoded to no "
            f"samples at {SAMPLE_RATE} Hz"
        )
    logger.debug("decoded %s/%s %d Hz x%d", fmt, codec, rate, n_channels)
    return DecodedAudio(
        channels=[np.ascontiguousarray(ch) for ch in planar],
        source_rate=rate,
        codec=codec,
        container=fmt,
    )


def channels_identical(
    left: npt.NDArray[np.float32], right: npt.NDArray[np.float32], ratio: float
) -> bool:
    """Whether two channels carry the same signal (a mono call copied twice).

    Compares the energy of the difference with the energy of the signals, so a
    gain change or dither does not hide a copy, while two parties on their own
    channels differ by about as much energy as they carry.
    """
    signal = float(
        np.mean(left.astype(np.float64) ** 2 + right.astype(np.float64) ** 2)
    )
    if signal == 0.0:
        return True
    # Scale the quieter channel to the louder before comparing.
    scale = float(np.dot(left, right)) / max(float(np.dot(right, right)), 1e-12)
    diff = float(np.mean((left - scale * right).astype(np.float64) ** 2))
    return diff <= ratio * signal / 2


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip() or type(exc).__name__
