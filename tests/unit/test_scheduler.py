"""The ASR scheduler's rules, with an engine whose timing the test controls.

The model's own behaviour under batching is tested on the real model in
``tests/integration/test_batching.py``; here the engine is a stand-in so
that batch sizes, waits, overload, failures and cancellation are exact.
"""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest
from coachloop.config import BatchConfig
from coachloop.engines.asr import AsrScheduler
from coachloop.engines.asr._batch import ChunkText
from coachloop.engines.asr._chunks import Chunk, Piece
from coachloop.engines.asr._whisper import Speech
from coachloop.errors import EngineError, Overloaded, PayloadTooLarge
from coachloop.transcript import Word


class Engine:
    """Each channel's "audio" is [call id, chunk count]; decoding a chunk
    gives one word naming its call and index."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail_on: str | None = None

    def speech(self, audio):
        call, n = int(audio[0]), int(audio[1])
        chunks = [
            Chunk(np.array([call, i], dtype=np.float32), (Piece(0.0, 10.0 * i, 1.0),))
            for i in range(n)
        ]
        return Speech(chunks, [(0.0, float(n))], duration=10.0 * n, vad_s=0.0)

    def decode(self, chunks):
        self.gate.wait(10)
        names = [f"{int(c.audio[0])}.{int(c.audio[1])}" for c in chunks]
        self.batches.append(names)
        if self.fail_on in names:
            raise EngineError("speech recognition failed: boom")
        return [
            ChunkText([Word(c.pieces[0].source, c.pieces[0].source + 0.5, n)], None)
            for c, n in zip(chunks, names, strict=True)
        ]


def channel(call: int, chunks: int):
    return np.array([call, chunks], dtype=np.float32)


def run(coro):
    return asyncio.run(coro)


async def started(engine, **config):
    scheduler = AsrScheduler(engine, BatchConfig(**config))
    scheduler.start()
    return scheduler


def test_chunks_of_concurrent_calls_share_batches_and_come_back_to_their_call():
    async def main():
        engine = Engine()
        s = await started(engine, max_batch_size=4, max_wait_ms=50)
        results = await asyncio.gather(
            s.transcribe([channel(1, 3)]), s.transcribe([channel(2, 2), channel(3, 1)])
        )
        await s.close()
        return engine, results

    engine, (one, two) = run(main())
    assert [w.text for w in one[0].words] == ["1.0", "1.1", "1.2"]
    assert [w.text for w in two[0].words] == ["2.0", "2.1"]
    assert [w.text for w in two[1].words] == ["3.0"]
    assert [w.start for w in one[0].words] == [0.0, 10.0, 20.0]
    assert sorted(len(b) for b in engine.batches) == [2, 4]
    assert any({"1.0", "2.0"} <= set(b) for b in engine.batches)


def test_a_lone_chunk_waits_max_wait_ms_then_runs():
    async def main():
        engine = Engine()
        s = await started(engine, max_batch_size=8, max_wait_ms=200)
        t = time.perf_counter()
        await s.transcribe([channel(1, 1)])
        waited = time.perf_counter() - t
        await s.close()
        return waited, engine

    waited, engine = run(main())
    assert engine.batches == [["1.0"]]
    assert 0.18 <= waited < 2.0


def test_a_full_batch_runs_without_waiting():
    async def main():
        engine = Engine()
        s = await started(engine, max_batch_size=2, max_wait_ms=5000)
        t = time.perf_counter()
        await s.transcribe([channel(1, 2)])
        waited = time.perf_counter() - t
        await s.close()
        return waited

    assert run(main()) < 1.0


def test_a_full_queue_refuses_at_once_with_retry_after():
    async def main():
        engine = Engine()
        engine.gate.clear()  # the model is busy
        s = await started(engine, max_batch_size=2, max_wait_ms=0, max_queue_size=4)
        first = asyncio.create_task(s.transcribe([channel(1, 2)]))
        await asyncio.sleep(0.1)  # taken into the (blocked) batch
        second = asyncio.create_task(s.transcribe([channel(2, 3)]))
        await asyncio.sleep(0.1)  # queued: 3 of 4
        t = time.perf_counter()
        with pytest.raises(Overloaded) as info:
            await s.transcribe([channel(3, 2)])
        refused_in = time.perf_counter() - t
        with pytest.raises(PayloadTooLarge, match="more than the ASR queue holds"):
            await s.transcribe([channel(4, 5)])
        engine.gate.set()
        await first
        await second
        stats = s.stats()
        await s.close()
        return info.value, refused_in, stats

    error, refused_in, stats = run(main())
    assert refused_in < 0.5
    assert error.http_status == 503 and error.grpc_code == "RESOURCE_EXHAUSTED"
    assert error.retry_after_s >= 1
    assert "3 of 4 chunks queued, this call needs 2" in error.message
    assert stats.rejected == 2 and stats.queued == 0  # the 503 and the 413


def test_a_failed_batch_fails_every_request_in_it_and_only_those():
    async def main():
        engine = Engine()
        engine.fail_on = "2.0"
        engine.gate.clear()
        s = await started(engine, max_batch_size=3, max_wait_ms=0)
        blocker = asyncio.create_task(s.transcribe([channel(9, 1)]))
        await asyncio.sleep(0.1)
        a = asyncio.create_task(s.transcribe([channel(1, 1)]))
        b = asyncio.create_task(s.transcribe([channel(2, 1)]))
        c = asyncio.create_task(s.transcribe([channel(3, 2)]))  # 3.1 in the next batch
        await asyncio.sleep(0.1)
        engine.gate.set()
        out = await asyncio.gather(blocker, a, b, c, return_exceptions=True)
        after = await s.transcribe([channel(4, 1)])  # the loop survives
        await s.close()
        return engine, out, after

    engine, (blocker, a, b, c), after = run(main())
    assert engine.batches[1] == ["1.0", "2.0", "3.0"]
    assert not isinstance(blocker, Exception)
    for result in (a, b, c):
        assert isinstance(result, EngineError) and "boom" in result.message
    assert [w.text for w in after[0].words] == ["4.0"]


def test_a_cancelled_request_drops_its_queued_chunks():
    async def main():
        engine = Engine()
        engine.gate.clear()
        s = await started(engine, max_batch_size=1, max_wait_ms=0)
        busy = asyncio.create_task(s.transcribe([channel(9, 1)]))
        await asyncio.sleep(0.1)
        gone = asyncio.create_task(s.transcribe([channel(1, 5)]))
        await asyncio.sleep(0.1)
        queued_before = s.stats().queued
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        queued_after = s.stats().queued
        engine.gate.set()
        await busy
        await s.transcribe([channel(2, 1)])
        await s.close()
        return engine, queued_before, queued_after

    engine, before, after = run(main())
    assert (before, after) == (5, 0)
    decoded = [name for batch in engine.batches for name in batch]
    assert decoded == ["9.0", "2.0"]


def test_a_request_timeout_fails_the_call_and_drops_its_chunks():
    async def main():
        engine = Engine()
        engine.gate.clear()
        s = await started(engine, max_batch_size=1, max_wait_ms=0, request_timeout_s=1)
        with pytest.raises(EngineError, match="did not finish within 1 s"):
            await s.transcribe([channel(1, 3)])
        queued = s.stats().queued
        engine.gate.set()
        await s.close()
        return queued

    assert run(main()) == 0


def test_configuration_is_checked_at_start_up():
    with pytest.raises(ValueError, match=r"must be at least batch\.max_batch_size"):
        BatchConfig(max_batch_size=16, max_queue_size=8)
    with pytest.raises(ValueError, match="well under"):
        BatchConfig(max_wait_ms=5000, request_timeout_s=2)
    with pytest.raises(ValueError, match=r"batch\.max_batch_size"):
        BatchConfig(max_batch_size=0)
