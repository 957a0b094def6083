"""Make test recordings in other formats from the committed fixtures, with PyAV."""

from __future__ import annotations

import io

import av
import numpy as np
from coachloop.audio import decode_audio


def load_planar(data: bytes) -> tuple[np.ndarray, int]:
    """Decode at the file's own rate: (channels x samples float32, rate)."""
    with av.open(io.BytesIO(data)) as c:
        s = c.streams.audio[0]
        rate = s.codec_context.sample_rate
        layout = "mono" if s.codec_context.channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        frames = [o.to_ndarray() for f in c.decode(s) for o in resampler.resample(f)]
    return np.concatenate(frames, axis=1), rate


def encode(
    planar: np.ndarray, rate: int, container: str, codec: str, fmt: str
) -> bytes:
    """Encode channels x samples float32 into ``container`` with ``codec``."""
    layout = "mono" if planar.shape[0] == 1 else "stereo"
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as c:
        stream = c.add_stream(codec, rate=rate, layout=layout)
        frame_len = 960 if codec == "libopus" else 1024
        for begin in range(0, planar.shape[1], frame_len):
            chunk = planar[:, begin : begin + frame_len]
            if fmt == "s16":
                array = (np.clip(chunk, -1, 1) * 32767).astype(np.int16)
                array = array.T.reshape(1, -1).copy()
            elif fmt == "u8":
                array = ((np.clip(chunk, -1, 1) * 127) + 128).astype(np.uint8)
                array = array.T.reshape(1, -1).copy()
            elif fmt == "flt":
                array = chunk.astype(np.float32).T.reshape(1, -1).copy()
            else:
                array = np.ascontiguousarray(chunk.astype(np.float32))
            frame = av.AudioFrame.from_ndarray(array, format=fmt, layout=layout)
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                c.mux(packet)
        for packet in stream.encode(None):
            c.mux(packet)
    return out.getvalue()


FORMATS = {
    "wav-pcm16": ("wav", "pcm_s16le", "s16"),
    "wav-pcm-u8": ("wav", "pcm_u8", "u8"),
    "wav-mulaw": ("wav", "pcm_mulaw", "s16"),
    "wav-alaw": ("wav", "pcm_alaw", "s16"),
    "mp3": ("mp3", "libmp3lame", "fltp"),
    "flac": ("flac", "flac", "s16"),
    "ogg-opus": ("ogg", "libopus", "flt"),
}


def as_format(data: bytes, name: str, rate: int | None = None) -> bytes:
    planar, source_rate = load_planar(data)
    target = rate or source_rate
    if name == "ogg-opus":
        target = 48000  # Opus only runs at its own rates
    if target != source_rate:
        decoded = decode_audio(data)  # 16 kHz
        planar = np.stack(decoded.channels)
        source_rate = 16000
        if target != 16000:
            idx = np.arange(int(planar.shape[1] * target / 16000)) * 16000 / target
            planar = np.stack(
                [np.interp(idx, np.arange(planar.shape[1]), ch) for ch in planar]
            ).astype(np.float32)
    container, codec, fmt = FORMATS[name]
    return encode(planar, target, container, codec, fmt)
