"""The real model behind the scheduler: batching never mixes calls' words."""

from __future__ import annotations

import asyncio

import pytest
from coachloop.config import BatchConfig
from coachloop.engines.asr import AsrScheduler
from coachloop.pipeline import CallMetadata, CallRequest
from conftest import FIXTURES

pytestmark = pytest.mark.asr

CALLS = ("support_ok", "billing_interrupt")


def request(name: str) -> CallRequest:
    return CallRequest(
        metadata=CallMetadata(call_id=name),
        audio=(FIXTURES / f"{name}.flac").read_bytes(),
    )


def words(doc) -> list[tuple[str, float, str]]:
    return [(u.speaker, u.start, u.text) for u in doc.transcript.utterances]


@pytest.fixture(scope="module")
def solo(pipeline):
    return {name: pipeline.score(request(name)) for name in CALLS}


def test_concurrent_calls_equal_their_solo_runs(pipeline, solo):
    async def main():
        scheduler = AsrScheduler(
            pipeline.engine, BatchConfig(max_batch_size=8, max_wait_ms=50)
        )
        scheduler.start()

        async def one(name):
            prepared = pipeline.prepare(request(name))
            results = await scheduler.transcribe(prepared.signals)
            return name, pipeline.finish(prepared, results).document

        try:
            rounds = []
            for _ in range(2):
                rounds.append(await asyncio.gather(*(one(n) for n in CALLS * 2)))
            return rounds, scheduler.stats()
        finally:
            await scheduler.close()

    rounds, stats = asyncio.run(main())
    assert stats.mean_batch > 1  # the calls really shared batches
    for results in rounds:
        for name, doc in results:
            assert words(doc) == words(solo[name]), name
            assert doc.scorecard == solo[name].scorecard


def test_timestamps_stay_on_the_call_timeline(solo):
    for doc in solo.values():
        for u in doc.transcript.utterances:
            assert 0 <= u.start <= u.end <= doc.duration
