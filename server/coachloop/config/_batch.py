from __future__ import annotations

import dataclasses

from coachloop.config._asr import _check_range


@dataclasses.dataclass(frozen=True, kw_only=True)
class BatchConfig:
    """The ASR scheduler: speech chunks of every in-flight call share batches.

    A batch runs when ``max_batch_size`` chunks are queued, or when the
    oldest queued chunk has waited ``max_wait_ms``; a request whose chunks
    would push the queue past ``max_queue_size`` is refused at once (HTTP 503
    with Retry-After, gRPC RESOURCE_EXHAUSTED) instead of waiting unboundedly.
    """

    max_batch_size: int = 4
    """Chunks (up to 30 s of speech each) per model call: 4 for the tiny model
    on CPU (see the ``cpu`` profile), 32-64 on a GPU."""
    max_wait_ms: float = 20.0
    """How long the oldest chunk may wait for company before its batch runs."""
    max_queue_size: int = 512
    """Queued chunks across all calls: about 4 hours of speech."""
    max_decoded_calls: int = 1
    """Calls decoded and voice-detected at once (one thread each); the rest
    wait their turn holding only their request bytes. On 2 cores, 1 measured
    best: 933 MB peak and 38.7x real time at 16 in flight, against 1053 MB
    and 29.5x with 4 (the model thread needs the cores). A GPU profile needs
    more, or voice detection cannot keep up with the card."""
    request_timeout_s: float = 600.0
    """A call still not transcribed after this is failed (and its chunks dropped)."""

    def __post_init__(self) -> None:
        _check_range("batch.max_batch_size", self.max_batch_size, 1, 256)
        _check_range("batch.max_wait_ms", self.max_wait_ms, 0, 10_000)
        _check_range("batch.max_queue_size", self.max_queue_size, 1, 1_000_000)
        _check_range("batch.request_timeout_s", self.request_timeout_s, 1, 86_400)
        _check_range("batch.max_decoded_calls", self.max_decoded_calls, 1, 1024)
        if self.max_queue_size < self.max_batch_size:
            raise ValueError(
                f"batch.max_queue_size ({self.max_queue_size}) must be at least "
                f"batch.max_batch_size ({self.max_batch_size}), or no batch fills"
            )
        if self.max_wait_ms / 1000 >= self.request_timeout_s:
            raise ValueError(
                f"batch.max_wait_ms ({self.max_wait_ms:g} ms) must be well under "
                f"batch.request_timeout_s ({self.request_timeout_s:g} s)"
            )
