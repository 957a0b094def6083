"""The service both protocol adapters share: one pipeline, one model, one store.

A call goes through three steps: decoding and checks on a CPU pool, speech
recognition through the scheduler (chunks of every in-flight call batched on
the one model thread), then scoring on the CPU pool again. The event loop
only awaits, so health checks and uploads never wait behind the model.

The store has a thread of its own: SQLite takes one writer at a time, and
queue reads and note reviews need not wait behind a transcription.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import msgspec

from coachloop import __version__
from coachloop.config import ServerConfig
from coachloop.document import Document
from coachloop.engines.asr import AsrScheduler
from coachloop.errors import BadRequest, Conflict
from coachloop.pipeline import CallRequest, Pipeline, ScoredCall
from coachloop.store import Store

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class ScoringService:
    def __init__(
        self, pipeline: Pipeline, server: ServerConfig, store: Store | None = None
    ) -> None:
        self.pipeline = pipeline
        self.server = server
        self.store = store
        self.scheduler = AsrScheduler(pipeline.engine, pipeline.engine.batch)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(2, pipeline.engine.batch.max_decoded_calls),
            thread_name_prefix="coachloop-cpu",
        )
        self._db = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="coachloop-db"
        )
        self._judge_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=pipeline.judge.config.max_calls if pipeline.judge else 1,
            thread_name_prefix="coachloop-judge",
        )
        self._decoding = asyncio.Semaphore(pipeline.engine.batch.max_decoded_calls)
        self._inflight: dict[str, asyncio.Future[tuple[Document, bool]]] = {}
        """Calls being scored for the store now, by call_id."""

    async def start(self) -> None:
        """Start the scheduler's loop; call once the event loop runs."""
        self.scheduler.start()

    async def _score_call(self, request: CallRequest, voice: bool = True) -> ScoredCall:
        loop = asyncio.get_running_loop()
        await self._decoding.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self._decoding.release()

        try:
            prepared = await loop.run_in_executor(
                self._executor, self.pipeline.prepare, request
            )
            # The scheduler takes the decoded channels and frees them once
            # chunked; then the next call may decode.
            signals, prepared.signals = prepared.signals, []
            results = (
                await self.scheduler.transcribe(signals, chunked=release)
                if signals
                else []
            )
        finally:
            release()
        # A judged rubric waits on the LLM: its own threads, so a slow judge
        # never holds up decoding or rules-only calls.
        pool = (
            self._judge_pool
            if self.pipeline.needs_judge(prepared.rubric)
            else (self._executor)
        )
        return await loop.run_in_executor(
            pool, self.pipeline.finish, prepared, results, voice
        )

    def require_store(self) -> Store:
        if self.store is None:
            raise BadRequest("this server runs without a store (start it with --db)")
        return self.store

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store operation on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, lambda: fn(*args, **kwargs))

    async def record(
        self, request: CallRequest, endpoint: str
    ) -> tuple[Document, bool]:
        """Score, store, triage with history and route; or return the stored call.

        Returns the document and whether it was created by this request.
        """
        store = self.require_store()
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        meta = request.metadata
        if not meta.agent_id:
            raise BadRequest("a call to store needs an agent_id")
        call_id = meta.call_id or uuid.uuid4().hex
        if meta.call_id is None:
            request = dataclasses.replace(
                request, metadata=msgspec.structs.replace(meta, call_id=call_id)
            )
        running = self._inflight.get(call_id)
        if running is not None:
            # The same call sent again while the first is still being scored:
            # wait for that one rather than transcribing it a second time.
            doc, _ = await asyncio.shield(running)
            if doc.agent_id != meta.agent_id:
                raise Conflict(
                    f"call_id {call_id!r} is already stored for agent "
                    f"{doc.agent_id!r}, not {meta.agent_id!r}",
                    call_id=call_id,
                )
            self._log(request_id, endpoint, doc, started, "duplicate")
            return doc, False
        stored = await self.db(store.stored_call, call_id, meta.agent_id)
        if stored is not None:
            self._log(request_id, endpoint, stored, started, "duplicate")
            return stored, False
        task = asyncio.ensure_future(self._record_new(request))
        self._inflight[call_id] = task
        task.add_done_callback(lambda _: self._inflight.pop(call_id, None))
        # Shielded: a client that hangs up does not lose its call; the store
        # still gets it, and a retry with the same call_id returns it.
        doc, created = await asyncio.shield(task)
        status = "stored" if created else "duplicate"
        self._log(request_id, endpoint, doc, started, status)
        return doc, created

    async def _record_new(self, request: CallRequest) -> tuple[Document, bool]:
        store = self.require_store()
        # Notes are drafted in the store's transaction (they depend on the
        # agent's history); the judge's rewrite comes after it, off the
        # database thread, and replaces the drafts' text.
        scored = await self._score_call(request, voice=False)
        doc, created = await self.db(
            store.record_call,
            scored.document,
            lambda history: self.pipeline.coach(scored, history),
        )
        if created and doc.notes and self.pipeline.judge is not None:
            loop = asyncio.get_running_loop()
            voiced = await loop.run_in_executor(
                self._judge_pool, self.pipeline.voice, doc
            )
            doc = await self.db(store.replace_notes, voiced)
        return doc, created

    async def score(self, request: CallRequest, endpoint: str) -> Document:
        """Score off the event loop and log the one line for this request."""
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        doc = (await self._score_call(request)).document
        self._log(request_id, endpoint, doc, started, "ok")
        return doc

    def _log(
        self,
        request_id: str,
        endpoint: str,
        doc: Document,
        started: float,
        status: str,
    ) -> None:
        logger.info(
            "request_id=%s endpoint=%s call_id=%s agent_id=%s audio_s=%.1f "
            "status=%s score=%s tier=%s notes=%d ms=%.0f",
            request_id,
            endpoint,
            doc.call_id,
            doc.agent_id,
            doc.duration,
            status,
            doc.scorecard.score,
            doc.tier.level,
            len(doc.notes),
            1000 * (time.perf_counter() - started),
        )

    def health(self) -> dict[str, Any]:
        engine = self.pipeline.engine
        return {
            "status": "ok",
            "version": __version__,
            "asr": engine.options(),
            "phrase_threshold": self.pipeline.scoring.phrase_threshold,
            "rubrics": self.pipeline.registry.available(),
            "max_upload_bytes": self.server.max_upload_bytes,
            "store": (
                {"url": self.store.url, "schema_revision": self.store.revision}
                if self.store
                else None
            ),
            "tiers": dataclasses.asdict(self.pipeline.tiers),
            "batch": dataclasses.asdict(self.scheduler.config),
            "judge": (
                msgspec.to_builtins(self.pipeline.judge.model_info())
                | {"counters": self.pipeline.judge.counters()}
                if self.pipeline.judge
                else None
            ),
            "scheduler": dataclasses.asdict(self.scheduler.stats()),
        }

    async def close(self) -> None:
        await self.scheduler.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._judge_pool.shutdown(wait=False, cancel_futures=True)
        self._db.shutdown(wait=True)
        if self.store is not None:
            self.store.close()
        if self.pipeline.judge is not None:
            self.pipeline.judge.close()
