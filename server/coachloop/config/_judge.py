from __future__ import annotations

import dataclasses
from typing import Literal

from coachloop.config._asr import _check_range

JudgeBackend = Literal["none", "transformers", "openai", "vllm"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class JudgeConfig:
    """The LLM judge of ``llm`` criteria. ``none`` (the default on CPU) leaves
    them ``na`` with the reason "no judge configured"."""

    backend: JudgeBackend = "none"
    model: str | None = None
    """transformers/vllm: a local model directory (or a .gguf file);
    openai: the served model's name."""
    revision: str | None = None
    """Recorded on every scorecard beside the model, e.g. a commit or file hash."""
    base_url: str | None = None
    """openai: the server, e.g. http://127.0.0.1:8000/v1."""
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 384
    retry_max_tokens: int = 768
    """The one retry after a cut-off or invalid reply gets this budget."""
    min_confidence: float = 0.6
    """Below this the criterion is ``needs_review`` and goes to a human."""
    timeout_s: float = 60.0
    retries: int = 2
    """openai: further attempts after a timeout or a 5xx, with backoff."""
    gpu_memory_utilization: float = 0.8
    """vllm: the card's share for the LLM; the rest is the ASR model's."""
    kv_cache_gb: float | None = None
    """vllm: a fixed KV cache size instead of the share above. On CPU vLLM
    would otherwise take that share of the machine's memory."""
    max_model_len: int | None = None
    """vllm: the longest prompt and reply in tokens; unset = the model's own."""
    max_calls: int = 4
    """Calls judged at once, each a server thread waiting on the backend;
    vLLM batches the questions of all of them together."""
    eager: bool = False
    """vllm: skip torch.compile and CUDA graphs. Starts in seconds instead of
    minutes and decodes slower; the CPU profile sets it."""

    def __post_init__(self) -> None:
        if self.backend not in ("none", "transformers", "openai", "vllm"):
            raise ValueError(
                "judge.backend must be none, transformers, openai or vllm, "
                f"got {self.backend!r}"
            )
        if self.backend in ("transformers", "vllm", "openai") and not self.model:
            raise ValueError(f"judge backend {self.backend!r} needs a model")
        if self.backend == "openai" and not self.base_url:
            raise ValueError("judge backend 'openai' needs a base_url")
        _check_range("judge.temperature", self.temperature, 0, 2)
        _check_range("judge.max_tokens", self.max_tokens, 16, 8192)
        _check_range("judge.retry_max_tokens", self.retry_max_tokens, 16, 16384)
        _check_range("judge.min_confidence", self.min_confidence, 0, 1)
        _check_range("judge.timeout_s", self.timeout_s, 1, 3600)
        _check_range("judge.retries", self.retries, 0, 10)
        _check_range(
            "judge.gpu_memory_utilization", self.gpu_memory_utilization, 0.05, 0.95
        )
        _check_range("judge.max_calls", self.max_calls, 1, 1024)
        if self.kv_cache_gb is not None:
            _check_range("judge.kv_cache_gb", self.kv_cache_gb, 0.1, 1024)
        if self.max_model_len is not None:
            _check_range("judge.max_model_len", self.max_model_len, 256, 1 << 20)
            if self.max_model_len <= self.retry_max_tokens:
                raise ValueError(
                    "judge.max_model_len must exceed judge.retry_max_tokens, "
                    "or no prompt fits beside the reply"
                )
        if self.retry_max_tokens < self.max_tokens:
            raise ValueError("judge.retry_max_tokens must be >= judge.max_tokens")
