"""Audio containers in, per-channel float32 at 16 kHz out; nothing else does I/O."""

from coachloop.audio._decode import SAMPLE_RATE, DecodedAudio, decode_audio

__all__ = ["DecodedAudio", "SAMPLE_RATE", "decode_audio"]
