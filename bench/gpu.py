"""GPU throughput of the ASR scheduler: many calls in flight on one card.

    python bench/gpu.py --model DIR [--calls 256] [--concurrency 64]

Loads the ``gpu`` profile (float16 on CUDA, batches of 64) with ``DIR``, then
pushes ``--calls`` copies of the project's fixture calls (and the real
Auto_Repairs call when present) through one scheduler with ``--concurrency``
in flight, sampling GPU memory with ``nvidia-smi`` while it runs. Prints one
JSON line: audio seconds per wall second, p50/p95 latency, mean batch and the
peak GPU memory used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import calls  # noqa: E402


def gpu_memory_mb() -> float | None:
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return max(float(x) for x in out.split())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--calls", type=int, default=256)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-batch-size", type=int, default=64)
    parser.add_argument("--device", default=None, help="override (cpu: a smoke run)")
    parser.add_argument("--compute-type", default=None)
    args = parser.parse_args()

    from coachloop.config import AsrConfig, BatchConfig
    from coachloop.config._profiles import profile_defaults
    from coachloop.engines.asr import AsrScheduler, WhisperEngine
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry

    profile = profile_defaults("gpu")
    options = dict(profile["asr"])
    if args.device:
        options["device"] = args.device
        options["compute_type"] = args.compute_type or (
            "float16" if args.device == "cuda" else "int8"
        )
    asr = AsrConfig(model_path=args.model, **options)
    batch = BatchConfig(**{**profile["batch"], "max_batch_size": args.max_batch_size})
    base_memory = gpu_memory_mb()
    t = time.perf_counter()
    engine = WhisperEngine(asr, batch)
    load_s = time.perf_counter() - t
    pipeline = Pipeline(registry=RubricRegistry(), asr=asr, engine=engine)
    paths = calls()
    data = [p.read_bytes() for p in paths]
    peak = [base_memory or 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            used = gpu_memory_mb()
            if used is not None:
                peak[0] = max(peak[0], used)

    threading.Thread(target=sample, daemon=True).start()
    latencies: list[float] = []
    totals = {"audio_s": 0.0, "mean_batch": 0.0}

    async def run() -> float:
        scheduler = AsrScheduler(engine, batch)
        scheduler.start()
        gate = asyncio.Semaphore(args.concurrency)
        loop = asyncio.get_running_loop()

        async def one(i: int) -> None:
            async with gate:
                s = time.perf_counter()
                request = CallRequest(
                    metadata=CallMetadata(call_id=f"g{i}"), audio=data[i % len(data)]
                )
                prepared = await loop.run_in_executor(None, pipeline.prepare, request)
                results = await scheduler.transcribe(prepared.signals)
                doc = pipeline.finish(prepared, results).document
                totals["audio_s"] += doc.duration
                latencies.append(time.perf_counter() - s)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(args.calls)))
        wall = time.perf_counter() - started
        totals["mean_batch"] = scheduler.stats().mean_batch
        await scheduler.close()
        return wall

    wall = asyncio.run(run())
    done.set()
    ordered = sorted(latencies)
    print(
        json.dumps(
            {
                "model": args.model,
                "calls": args.calls,
                "concurrency": args.concurrency,
                "load_s": round(load_s, 1),
                "device": asr.device,
                "compute_type": asr.compute_type,
                "audio_s": round(totals["audio_s"], 1),
                "wall_s": round(wall, 2),
                "x_realtime": round(totals["audio_s"] / wall, 1),
                "p50_s": round(statistics.median(ordered), 2),
                "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
                "mean_batch": totals["mean_batch"],
                "gpu_memory_mb": {"before": base_memory, "peak": peak[0]},
            }
        )
    )


if __name__ == "__main__":
    main()
