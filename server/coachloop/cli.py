"""``coachloop``: score a call from the command line, or serve REST and gRPC."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from coachloop import envs
from coachloop.config import (
    AsrConfig,
    BatchConfig,
    JudgeConfig,
    ScoringConfig,
    ServerConfig,
    TierConfig,
)
from coachloop.config._profiles import profile_defaults
from coachloop.errors import CoachloopError

logger = logging.getLogger("coachloop")


def _asr_args(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("speech recognition")
    g.add_argument(
        "--profile",
        default="cpu",
        choices=["cpu", "gpu"],
        help="cpu: embedded tiny.en int8; gpu: --model (large Whisper) float16 on CUDA",
    )
    g.add_argument(
        "--model", help="CTranslate2 Whisper directory (default: embedded tiny.en)"
    )
    g.add_argument("--device", default=None, choices=["cpu", "cuda", "auto"])
    g.add_argument(
        "--compute-type", default=None, help="default: int8 on cpu, float16 on cuda"
    )
    g.add_argument("--beam-size", type=int, default=None)
    g.add_argument("--max-batch-size", type=int, help="speech chunks per model call")
    g.add_argument(
        "--max-wait-ms", type=float, help="how long a chunk waits for a fuller batch"
    )
    g.add_argument("--max-queue-size", type=int, help="queued chunks before 503s")
    g.add_argument(
        "--request-timeout-s", type=float, help="fail a call not transcribed by then"
    )
    g.add_argument("--threads", type=int, default=0, help="CPU threads (0 = all)")
    g.add_argument("--no-vad", action="store_true", help="transcribe without VAD")
    g.add_argument(
        "--phrase-threshold",
        type=float,
        default=80.0,
        help="fuzzy phrase match threshold, 0-100 (default 80)",
    )
    g.add_argument("--rubrics", help="directory of extra rubric YAML files")
    j = parser.add_argument_group("llm judge (rubric criteria of kind llm)")
    j.add_argument(
        "--judge",
        default="none",
        choices=["none", "transformers", "openai", "vllm"],
        help="none (default): llm criteria come back na",
    )
    j.add_argument(
        "--judge-model", help="local model dir or .gguf file; openai: model name"
    )
    j.add_argument("--judge-url", help="openai: server base URL, e.g. .../v1")
    j.add_argument("--judge-revision", help="recorded on every scorecard")
    j.add_argument(
        "--judge-timeout-s",
        type=float,
        default=60.0,
        help="seconds the judge has for one reply, whole (default 60)",
    )
    j.add_argument(
        "--judge-retries",
        type=int,
        default=2,
        help="openai: attempts after a timeout or 5xx (default 2)",
    )
    j.add_argument(
        "--judge-kv-cache-gb",
        type=float,
        help="vllm: KV cache size (default: the cpu profile 1, else the share)",
    )
    j.add_argument(
        "--judge-gpu-memory-utilization",
        type=float,
        help="vllm: the card's share for the LLM (default 0.8)",
    )
    j.add_argument(
        "--judge-max-model-len",
        type=int,
        help="vllm: longest prompt plus reply in tokens (default: the model's)",
    )
    j.add_argument(
        "--judge-max-calls",
        type=int,
        help="calls judged at once (default 4; the gpu profile 64)",
    )
    j.add_argument(
        "--judge-min-confidence",
        type=float,
        default=0.6,
        help="below this an answer needs human review (default 0.6)",
    )


def _asr_config(args: argparse.Namespace) -> AsrConfig:
    defaults = profile_defaults(args.profile)["asr"]
    device = args.device or defaults["device"]
    if args.compute_type:
        compute = args.compute_type
    elif args.device and args.device != defaults["device"]:
        compute = "float16" if device == "cuda" else "int8"
    else:
        compute = defaults["compute_type"]
    model = args.model or envs.model_path()
    if args.profile == "gpu" and model is None:
        raise ValueError(
            "the gpu profile needs a large Whisper model: --model DIR or "
            "COACHLOOP_MODEL_PATH (a CTranslate2 directory; see models/README.md)"
        )
    return AsrConfig(
        model_path=model,
        device=device,
        compute_type=compute,
        beam_size=args.beam_size or defaults["beam_size"],
        cpu_threads=args.threads,
        vad_filter=not args.no_vad,
    )


def _megabytes(value: float, flag: str) -> int:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{flag} must be a positive number of MiB, got {value!r}")
    return int(value * 1024 * 1024)


def judge_config(args: argparse.Namespace) -> JudgeConfig:
    """The judge settings: the profile's defaults, then the flags."""
    values = profile_defaults(args.profile)["judge"]
    for name in ("kv_cache_gb", "gpu_memory_utilization", "max_model_len", "max_calls"):
        if getattr(args, f"judge_{name}") is not None:
            values[name] = getattr(args, f"judge_{name}")
    return JudgeConfig(
        backend=args.judge,
        model=args.judge_model,
        base_url=args.judge_url,
        revision=args.judge_revision,
        min_confidence=args.judge_min_confidence,
        timeout_s=args.judge_timeout_s,
        retries=args.judge_retries,
        **values,
    )


def _judge(args: argparse.Namespace) -> Any:
    """The judge the flags ask for, loaded now; ``None`` for ``--judge none``."""
    config = judge_config(args)
    if config.backend == "none":
        if args.judge_model or args.judge_url:
            logger.warning("--judge-model/--judge-url are ignored without --judge")
        return None
    from coachloop.judge import Judge

    return Judge(config)


@contextlib.contextmanager
def _local_pipeline(args: argparse.Namespace) -> Iterator[Any]:
    """The pipeline the flags ask for, for one command in this process. The
    judge's engine (vLLM's child process) is stopped on the way out, before
    the interpreter exits and takes what its shutdown needs."""
    from coachloop.pipeline import Pipeline
    from coachloop.rubrics import RubricRegistry

    pipeline = Pipeline(
        registry=RubricRegistry(args.rubrics or envs.rubrics_dir()),
        asr=_asr_config(args),
        batch=_batch_config(args),
        scoring=ScoringConfig(phrase_threshold=args.phrase_threshold),
        judge=_judge(args),
        allow_rubric_paths=True,
    )
    try:
        yield pipeline
    finally:
        if pipeline.judge is not None:
            pipeline.judge.close()


def _batch_config(args: argparse.Namespace) -> BatchConfig:
    values = profile_defaults(args.profile)["batch"]
    for name in (
        "max_batch_size",
        "max_wait_ms",
        "max_queue_size",
        "request_timeout_s",
    ):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    return BatchConfig(**values)


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        help="store: SQLAlchemy URL or SQLite file (default $COACHLOOP_DB or "
        "./coachloop.db)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coachloop", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score one call recording or transcript")
    score.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="audio file(s), or transcript .json; several are batched together",
    )
    score.add_argument(
        "--rubric", default="customer-service", help="rubric id or YAML path"
    )
    score.add_argument("--agent-id")
    score.add_argument("--call-id")
    score.add_argument("--started-at", help="call start time, ISO 8601")
    score.add_argument("--channels", help="stereo channel map, e.g. customer,agent")
    score.add_argument("--json", action="store_true", help="print the JSON document")
    _asr_args(score)

    serve = sub.add_parser("serve", help="serve REST and gRPC with one shared model")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--grpc-port", type=int, default=50051, help="-1 disables gRPC")
    serve.add_argument("--max-upload-mb", type=float, default=64.0)
    _db_arg(serve)
    tiers = serve.add_argument_group("triage")
    tiers.add_argument(
        "--due-hours",
        default="4,72,72,168,336",
        help="hours from call to due-by for tiers 1-5 (default 4,72,72,168,336)",
    )
    tiers.add_argument(
        "--new-hire-score",
        type=float,
        default=70.0,
        help="tier 3: a new hire's score below this (default 70)",
    )
    serve.add_argument(
        "--no-store",
        action="store_true",
        help="serve stateless scoring only (/v1/calls:score); store nothing",
    )
    _asr_args(serve)

    calibrate = sub.add_parser(
        "calibrate", help="agreement and Cohen's kappa against human labels"
    )
    calibrate.add_argument("labels", type=Path, help="labels YAML (see docs)")
    calibrate.add_argument("--json", action="store_true")
    _asr_args(calibrate)

    unpack = sub.add_parser(
        "unpack-gguf",
        help="unpack a .gguf judge model into a directory vLLM can load",
    )
    unpack.add_argument("source", type=Path, help="the .gguf file")
    unpack.add_argument("dest", type=Path, help="a new folder, e.g. models/judge")

    from coachloop.cli_coaching import add_parsers

    add_parsers(sub, _db_arg)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=envs.log_level(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # faster-whisper logs two INFO lines per channel; our request line suffices.
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    # Alembic logs each plugin it sets up; the store logs the revision it reached.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "score":
            return _score(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "unpack-gguf":
            from coachloop.judge._gguf import unpack_gguf

            print(unpack_gguf(args.source, args.dest))
            return 0
        from coachloop.cli_coaching import run

        return run(args)
    except CoachloopError as exc:
        print(f"coachloop: error: {exc.message}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        # Configuration errors from the config classes, before any model loads.
        print(f"coachloop: error: {exc}", file=sys.stderr)
        return 2


def _score(args: argparse.Namespace) -> int:
    from coachloop.report import render_report

    paths = [Path(f) for f in args.files]
    if len(paths) > 1 and args.call_id:
        raise ValueError("--call-id names one call; give one file with it")
    requests = [_request(args, path) for path in paths]
    with _local_pipeline(args) as pipeline:
        if len(requests) == 1:
            docs = [pipeline.score(requests[0])]
        else:
            # Batch mode: every file's speech goes through one scheduler, as
            # concurrent requests to the server would.
            docs = asyncio.run(_score_many(pipeline, requests))
    if args.json:
        value: object = docs[0] if len(docs) == 1 else docs
        sys.stdout.write(
            msgspec.json.format(msgspec.json.encode(value), indent=2).decode()
        )
        sys.stdout.write("\n")
    else:
        print("\n\n".join(render_report(doc) for doc in docs))
    return 0


async def _score_many(pipeline: Any, requests: list[Any]) -> list[Any]:
    from coachloop.engines.asr import AsrScheduler

    scheduler = AsrScheduler(pipeline.engine, pipeline.engine.batch)
    scheduler.start()
    loop = asyncio.get_running_loop()

    async def one(request: Any) -> Any:
        prepared = await loop.run_in_executor(None, pipeline.prepare, request)
        results = await scheduler.transcribe(prepared.signals)
        return pipeline.finish(prepared, results).document

    try:
        return list(await asyncio.gather(*(one(r) for r in requests)))
    finally:
        await scheduler.close()


def _request(args: argparse.Namespace, path: Path) -> Any:
    from coachloop.errors import BadRequest
    from coachloop.pipeline import CallMetadata, CallRequest, parse_channel_map
    from coachloop.transcript import TranscriptIn

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadRequest(f"cannot read {path}: {exc.strerror}") from None
    started_at = _parse_time(args.started_at) if args.started_at else None
    meta = CallMetadata(
        # A file name becomes a valid call id: other characters become "-".
        call_id=args.call_id or re.sub(r"[^A-Za-z0-9._:@-]", "-", path.stem)[:200],
        agent_id=args.agent_id,
        started_at=started_at,
        rubric=args.rubric,
        channels=list(parse_channel_map(args.channels)) if args.channels else None,
    )
    if path.suffix.lower() != ".json":
        return CallRequest(metadata=meta, audio=data)
    try:
        transcript = msgspec.json.decode(data, type=TranscriptIn)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid transcript {path}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise BadRequest(f"invalid transcript {path}: not JSON ({exc})") from None
    return CallRequest(metadata=meta, transcript=transcript)


def _calibrate(args: argparse.Namespace) -> int:
    import dataclasses

    from coachloop.calibrate import calibrate, render

    with _local_pipeline(args) as pipeline:
        rows = calibrate(pipeline, args.labels)
    if args.json:
        sys.stdout.write(
            msgspec.json.encode([dataclasses.asdict(r) for r in rows]).decode() + "\n"
        )
    else:
        print(render(rows))
    return 0


def _parse_time(text: str) -> datetime:
    from coachloop.errors import BadRequest

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"--started-at must be ISO 8601, got {text!r}") from None


def _serve(args: argparse.Namespace) -> int:
    from coachloop.server import run_server

    server = ServerConfig(
        host=args.host,
        port=args.port,
        grpc_port=args.grpc_port,
        max_upload_bytes=_megabytes(args.max_upload_mb, "--max-upload-mb"),
        rubrics_dir=args.rubrics or envs.rubrics_dir(),
        db_url=None if args.no_store else (args.db or envs.db_url()),
    )
    try:
        hours = tuple(float(h) for h in args.due_hours.split(","))
    except ValueError:
        raise ValueError(
            "--due-hours needs five numbers, e.g. 4,72,72,168,336; "
            f"got {args.due_hours!r}"
        ) from None
    tiers = TierConfig(
        due_hours=hours,  # type: ignore[arg-type]
        new_hire_score=args.new_hire_score,
    )
    run_server(
        server,
        _asr_config(args),
        ScoringConfig(phrase_threshold=args.phrase_threshold),
        tiers,
        _batch_config(args),
        _judge(args),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
