"""The ASR scheduler: one queue of speech chunks from every in-flight call.

In the manner of Triton's dynamic batcher and Ray Serve's ``@serve.batch``: a
request's channels are chunked (VAD) and their chunks queued; one background
task takes up to ``max_batch_size`` chunks, as soon as that many wait or the
oldest has waited ``max_wait_ms``, and runs them through the model on the
model thread. Each chunk's result goes back to its own request.

- A request whose chunks would overfill the queue is refused whole, at once.
- If a batch fails, every request with a chunk in it gets the error.
- A cancelled request (client gone) has its queued chunks dropped.
- Nothing about a request is kept on the scheduler after it finishes.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from coachloop.config import BatchConfig
from coachloop.engines.asr._batch import ChunkText
from coachloop.engines.asr._chunks import Chunk
from coachloop.engines.asr._whisper import (
    ChannelResult,
    Speech,
    WhisperEngine,
    channel_result,
)
from coachloop.errors import EngineError, Overloaded, PayloadTooLarge

logger = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class _Job:
    chunk: Chunk
    future: asyncio.Future[ChunkText]
    queued_at: float
    request: _Request


@dataclasses.dataclass(eq=False)
class _Request:
    cancelled: bool = False
    asr_s: float = 0.0
    """This request's share of the batches it was in (by chunk count)."""
    wait_s: float = 0.0


@dataclasses.dataclass(frozen=True)
class SchedulerStats:
    queued: int
    batches: int
    chunks: int
    mean_batch: float
    rejected: int


class AsrScheduler:
    def __init__(self, engine: WhisperEngine, config: BatchConfig) -> None:
        self.engine = engine
        self.config = config
        self._queue: collections.deque[_Job] = collections.deque()
        self._wakeup = asyncio.Event()
        # The model runs on a thread of its own; VAD and chunking of new
        # requests run beside it on another, so they overlap with decoding.
        self._model_thread = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="coachloop-asr"
        )
        self._vad_thread = concurrent.futures.ThreadPoolExecutor(
            config.max_decoded_calls, thread_name_prefix="coachloop-vad"
        )
        self._task: asyncio.Task[None] | None = None
        self._batches = self._chunks = self._rejected = 0
        self._mean_batch_s = 1.0
        """Smoothed seconds per batch, for Retry-After."""

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._loop(), name="coachloop-asr-batcher"
            )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for job in self._queue:
            if not job.future.done():
                job.future.set_exception(EngineError("the server is shutting down"))
        self._queue.clear()
        self._model_thread.shutdown(wait=True)
        self._vad_thread.shutdown(wait=True)

    def stats(self) -> SchedulerStats:
        return SchedulerStats(
            queued=len(self._queue),
            batches=self._batches,
            chunks=self._chunks,
            mean_batch=round(self._chunks / self._batches, 2) if self._batches else 0.0,
            rejected=self._rejected,
        )

    # -- requests --------------------------------------------------------------

    async def transcribe(
        self,
        channels: list[npt.NDArray[np.float32]],
        chunked: Callable[[], None] | None = None,
    ) -> list[ChannelResult]:
        """Words of each channel, decoded in batches shared with other calls.

        ``channels`` is emptied once the speech is chunked: the chunks hold
        the voiced samples, and a long call's full decoded audio (31 MB for a
        4-minute stereo call) is not kept while it waits in the queue; then
        ``chunked`` is called (the service uses it to let the next call decode).

        Raises:
            Overloaded: the queue cannot take this call's chunks now.
            EngineError: the model failed on a batch holding one of them, or
                the call was not done within ``request_timeout_s``.
        """
        if self._task is None:
            raise RuntimeError("AsrScheduler.start() was not called")
        loop = asyncio.get_running_loop()
        speeches: list[Speech] = await loop.run_in_executor(
            self._vad_thread, lambda: [self.engine.speech(c) for c in channels]
        )
        channels.clear()
        if chunked is not None:
            chunked()
        total = sum(len(s.chunks) for s in speeches)
        if total > self.config.max_queue_size:
            self._rejected += 1
            raise PayloadTooLarge(
                f"the call has {total} chunks of speech (30 s each), more than the "
                f"ASR queue holds ({self.config.max_queue_size}; server option "
                "--max-queue-size)"
            )
        if total and len(self._queue) + total > self.config.max_queue_size:
            self._rejected += 1
            raise Overloaded(
                f"the ASR queue is full ({len(self._queue)} of "
                f"{self.config.max_queue_size} chunks queued, this call needs "
                f"{total}); retry shortly",
                retry_after_s=self._retry_after(),
            )
        request = _Request()
        now = time.perf_counter()
        futures: list[list[asyncio.Future[ChunkText]]] = []
        for speech in speeches:
            row = []
            for chunk in speech.chunks:
                future: asyncio.Future[ChunkText] = loop.create_future()
                self._queue.append(_Job(chunk, future, now, request))
                row.append(future)
            futures.append(row)
        if total:
            self._wakeup.set()
        flat = [f for row in futures for f in row]
        try:
            await asyncio.wait_for(
                asyncio.gather(*flat), timeout=self.config.request_timeout_s
            )
        except TimeoutError:
            raise EngineError(
                f"speech recognition did not finish within "
                f"{self.config.request_timeout_s:g} s"
            ) from None
        finally:
            # Cancelled, timed out or failed: whatever is still queued for
            # this request is dropped, not decoded for nobody.
            request.cancelled = True
            self._drop_cancelled()
        return [
            channel_result(speech, [f.result() for f in row], request.asr_s)
            for speech, row in zip(speeches, futures, strict=True)
        ]

    def _drop_cancelled(self) -> None:
        if any(job.request.cancelled for job in self._queue):
            kept = [j for j in self._queue if not j.request.cancelled]
            for job in self._queue:
                if job.request.cancelled and not job.future.done():
                    job.future.cancel()
            self._queue = collections.deque(kept)

    def _retry_after(self) -> float:
        # Roughly how long the queue takes to drain at the recent batch rate.
        batches_queued = len(self._queue) / self.config.max_batch_size
        return max(1.0, round(batches_queued * self._mean_batch_s, 1))

    # -- the loop --------------------------------------------------------------

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        size = self.config.max_batch_size
        max_wait = self.config.max_wait_ms / 1000
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            oldest = self._queue[0].queued_at
            remaining = max_wait - (time.perf_counter() - oldest)
            if len(self._queue) < size and remaining > 0:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=remaining)
                continue
            batch = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
            batch = [j for j in batch if not j.request.cancelled]
            if not batch:
                continue
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(
                    self._model_thread,
                    self.engine.decode,
                    [job.chunk for job in batch],
                )
                if len(results) != len(batch):
                    raise EngineError(
                        f"batch returned {len(results)} results for {len(batch)} chunks"
                    )
            except Exception as exc:  # every waiter gets the batch's error
                logger.exception("asr batch of %d chunks failed", len(batch))
                error = (
                    exc
                    if isinstance(exc, EngineError)
                    else EngineError(f"speech recognition failed: {exc}")
                )
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(error)
                continue
            took = time.perf_counter() - started
            self._mean_batch_s = 0.8 * self._mean_batch_s + 0.2 * took
            self._batches += 1
            self._chunks += len(batch)
            for job, result in zip(batch, results, strict=True):
                job.request.asr_s += took / len(batch)
                if not job.future.done():
                    job.future.set_result(result)
