"""Judge settings: the profiles' vLLM defaults, the flags over them, and the
values refused before any model loads."""

from __future__ import annotations

import pytest
from coachloop.cli import build_parser, judge_config
from coachloop.config import JudgeConfig


def settings(*flags: str) -> JudgeConfig:
    args = build_parser().parse_args(
        ["serve", "--judge", "vllm", "--judge-model", "models/judge", *flags]
    )
    return judge_config(args)


def test_the_cpu_profile_fixes_the_kv_cache_and_skips_compilation():
    config = settings()
    assert (config.kv_cache_gb, config.eager, config.max_model_len) == (1.0, True, None)


def test_the_gpu_profile_takes_a_share_of_the_card():
    config = settings("--profile", "gpu", "--model", "x")
    assert config.kv_cache_gb is None and config.eager is False
    assert (config.gpu_memory_utilization, config.max_calls) == (0.8, 64)


def test_flags_override_the_profile():
    config = settings(
        "--judge-kv-cache-gb",
        "2.5",
        "--judge-max-model-len",
        "4096",
        "--judge-gpu-memory-utilization",
        "0.5",
        "--judge-max-calls",
        "9",
    )
    assert config.max_calls == 9
    assert (config.kv_cache_gb, config.max_model_len) == (2.5, 4096)
    assert config.gpu_memory_utilization == 0.5


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kv_cache_gb": 0.0}, "kv_cache_gb"),
        ({"max_model_len": 100}, "max_model_len"),
        ({"max_model_len": 768}, "must exceed judge.retry_max_tokens"),
        ({"gpu_memory_utilization": 1.0}, "gpu_memory_utilization"),
        ({"max_calls": 0}, "max_calls"),
    ],
)
def test_settings_no_engine_could_use_are_refused(change, problem):
    with pytest.raises(ValueError, match=problem):
        JudgeConfig(backend="vllm", model="models/judge", **change)
