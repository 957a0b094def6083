"""The scoring service both protocol adapters share: one pipeline, one model.

The model runs on a single worker thread. CTranslate2 already spreads one
transcription over every core, so running two calls at once on a CPU only
splits the same cores; a single worker keeps latency predictable and memory
flat, and the event loop stays free for health checks and uploads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
import uuid
from typing import Any

from coachloop import __version__
from coachloop.config import ServerConfig
from coachloop.document import Document
from coachloop.pipeline import CallRequest, Pipeline

logger = logging.getLogger(__name__)


class ScoringService:
    def __init__(self, pipeline: Pipeline, server: ServerConfig) -> None:
        self.pipeline = pipeline
        self.server = server
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="coachloop-asr"
        )

    async def score(self, request: CallRequest, endpoint: str) -> Document:
        """Score off the event loop and log the one line for this request."""
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        loop = asyncio.get_running_loop()
        doc = await loop.run_in_executor(self._executor, self.pipeline.score, request)
        logger.info(
            "request_id=%s endpoint=%s call_id=%s audio_s=%.1f status=ok "
            "score=%s tier=%s ms=%.0f",
            request_id,
            endpoint,
            doc.call_id,
            doc.duration,
            doc.scorecard.score,
            doc.tier.level,
            1000 * (time.perf_counter() - started),
        )
        return doc

    def health(self) -> dict[str, Any]:
        engine = self.pipeline.engine
        return {
            "status": "ok",
            "version": __version__,
            "asr": engine.options(),
            "phrase_threshold": self.pipeline.scoring.phrase_threshold,
            "rubrics": self.pipeline.registry.available(),
            "max_upload_bytes": self.server.max_upload_bytes,
        }

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
