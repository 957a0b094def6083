"""Named deployment profiles: the defaults a machine of each kind starts from.

``cpu`` is the embedded tiny.en model in int8 (nothing to download or
convert); ``gpu`` is a large Whisper model in float16 on CUDA, from a local
CTranslate2 directory (``models/README.md`` shows how to convert one), with
batches sized for a data-centre card. Flags and environment variables
override any field.
"""

from __future__ import annotations

from typing import Any, Literal

Profile = Literal["cpu", "gpu"]

PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    "cpu": {
        "asr": {"device": "cpu", "compute_type": "int8", "beam_size": 1},
        # tiny.en on 2 cores: batches of 4 decode a 245 s call in 10.1 s at
        # 650 MB peak, 8 in 9.7 s at 694 MB, 2 in 12.4 s; 4 keeps the server
        # under 1 GB. The wait is short because a CPU batch takes ~1 s.
        "batch": {
            "max_batch_size": 4,
            "max_wait_ms": 20.0,
            "max_queue_size": 512,
            "max_decoded_calls": 1,
        },
        # vllm on CPU: a fixed 1 GiB KV cache (46k tokens of the 135M test
        # model) instead of a share of the machine, and no compilation, so
        # the engine starts in under 30 s on 2 cores.
        "judge": {"kv_cache_gb": 1.0, "eager": True},
    },
    "gpu": {
        "asr": {"device": "cuda", "compute_type": "float16", "beam_size": 1},
        # large-v3-turbo on one H200: 64 chunks (32 min of speech) per batch
        # keeps the card busy; the queue holds about 10 hours of speech.
        # 16 calls decoded and voice-detected at once: Silero VAD runs about
        # 230x real time on one core (bench/run.py: 6.3 s for 1441 s of
        # audio), and the card wants 1000x or more.
        "batch": {
            "max_batch_size": 64,
            "max_wait_ms": 30.0,
            "max_queue_size": 4096,
            "max_decoded_calls": 16,
        },
        # The LLM's share of the card; the rest holds the ASR model and its
        # batches. 64 calls judged at once give vLLM a few hundred questions
        # to batch. Both unmeasured: see models/README.md.
        "judge": {"gpu_memory_utilization": 0.8, "max_calls": 64},
    },
}


def profile_defaults(name: str) -> dict[str, dict[str, Any]]:
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}")
    return {section: dict(values) for section, values in PROFILES[name].items()}
