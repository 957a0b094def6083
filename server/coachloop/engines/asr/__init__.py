"""Speech recognition: a resident Whisper model and words-to-utterances."""

from coachloop.engines.asr._scheduler import AsrScheduler
from coachloop.engines.asr._utterances import build_utterances
from coachloop.engines.asr._whisper import ChannelResult, WhisperEngine

__all__ = ["AsrScheduler", "ChannelResult", "WhisperEngine", "build_utterances"]
