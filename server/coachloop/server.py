"""Run REST and gRPC in one process and one event loop, over one loaded model."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

from coachloop.config import (
    AsrConfig,
    BatchConfig,
    PlanConfig,
    ScoringConfig,
    ServerConfig,
    TierConfig,
)
from coachloop.engines.asr import WhisperEngine
from coachloop.http import create_app
from coachloop.judge import Judge
from coachloop.pipeline import Pipeline
from coachloop.rpc import create_grpc_server
from coachloop.rubrics import RubricRegistry
from coachloop.service import ScoringService
from coachloop.store import Store

logger = logging.getLogger(__name__)


def build_service(
    server: ServerConfig,
    asr: AsrConfig,
    scoring: ScoringConfig,
    tiers: TierConfig | None = None,
    plans: PlanConfig | None = None,
    batch: BatchConfig | None = None,
    judge: Judge | None = None,
) -> ScoringService:
    """Everything that can fail at start-up fails here, before a port opens:
    configuration, rubrics, the model, and the store's migrations."""
    tiers = tiers or TierConfig()
    registry = RubricRegistry(server.rubrics_dir)
    for problem in registry.check_all():
        # A bad file fails only the requests that name it (422), so the
        # server still starts; say so loudly now rather than on first use.
        logger.warning("%s", problem)
    store = Store(server.db_url, tiers=tiers, plans=plans) if server.db_url else None
    engine = WhisperEngine(asr, batch or BatchConfig())
    pipeline = Pipeline(
        registry=registry,
        asr=asr,
        scoring=scoring,
        tiers=tiers,
        engine=engine,
        judge=judge,
    )
    return ScoringService(pipeline, server, store)


def run_server(
    server: ServerConfig,
    asr: AsrConfig,
    scoring: ScoringConfig,
    tiers: TierConfig | None = None,
    batch: BatchConfig | None = None,
    judge: Judge | None = None,
) -> None:
    service = build_service(server, asr, scoring, tiers, batch=batch, judge=judge)
    asyncio.run(_serve(service))


async def _serve(service: ScoringService) -> None:
    import uvicorn

    config = service.server
    _check_port(config.host, config.port)
    app = create_app(service)
    http = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    # uvicorn's own handlers would stop only the HTTP side; stop both instead.
    http.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    grpc_server = None
    if config.grpc_port >= 0:
        grpc_server = create_grpc_server(service)
        try:
            grpc_port = grpc_server.add_insecure_port(
                f"{config.host}:{config.grpc_port}"
            )
        except RuntimeError:
            raise ValueError(
                f"cannot listen for gRPC on {config.host}:{config.grpc_port}: "
                "the port is in use or not allowed (--grpc-port)"
            ) from None
        await grpc_server.start()
        logger.info("grpc listening on %s:%d", config.host, grpc_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    http_task = asyncio.create_task(http.serve())
    logger.info("rest listening on http://%s:%d", config.host, config.port)
    await asyncio.wait(
        [http_task, asyncio.create_task(stop.wait())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    http.should_exit = True
    if grpc_server is not None:
        await grpc_server.stop(grace=5)
    await http_task
    await service.close()


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message before start-up when the REST port is taken
    (uvicorn would log a traceback after "listening" and exit)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ValueError(
                f"cannot listen for REST on {host}:{port}: {exc.strerror} (--port)"
            ) from None
