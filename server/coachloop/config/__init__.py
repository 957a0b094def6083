"""Typed configuration, one class per concern, checked before any model loads."""

from coachloop.config._asr import AsrConfig
from coachloop.config._batch import BatchConfig
from coachloop.config._judge import JudgeConfig
from coachloop.config._scoring import PlanConfig, ScoringConfig, TierConfig
from coachloop.config._server import ServerConfig

__all__ = [
    "AsrConfig",
    "BatchConfig",
    "JudgeConfig",
    "PlanConfig",
    "ScoringConfig",
    "ServerConfig",
    "TierConfig",
]
