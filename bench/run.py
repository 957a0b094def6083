"""Coachloop's throughput beside what a user would otherwise run, in one run.

    python bench/run.py [--copies 4] [--concurrency 1,4,16] [--json PATH]

The same calls for every system (the project's fixtures, plus the real
Auto_Repairs call when ../shared/real is present), repeated ``--copies``
times so that 16 calls can be in flight, on the same CTranslate2 model:

1. coachloop in process: decode, the ASR scheduler (chunks of all in-flight
   calls batched), scoring and the SQLite store, at each concurrency;
2. coachloop over REST: a real ``coachloop serve`` process, ``POST /v1/calls``
   from that many client threads;
3. faster-whisper ``WhisperModel.transcribe`` per channel, one call after
   another, with its defaults plus word timestamps (scoring needs them);
4. faster-whisper ``BatchedInferencePipeline.transcribe`` per channel, file
   after file, with its defaults plus word timestamps.

Each system runs in a child process of its own, so its peak RSS is its own.
Reported: call-audio seconds per wall second, the ratio to (3), p50/p95
latency per call, per-stage seconds, peak RSS, and WER against the fixture
scripts (the calls that have one).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = ROOT.parent / "shared" / "real" / "Auto_Repairs_40_UTC_stereo_ulaw_DERIVED.wav"
FW = "faster-whisper transcribe"
FW_BATCHED = "faster-whisper batched"


def calls() -> list[Path]:
    found = sorted(FIXTURES.glob("*.flac"))
    return [*found, REAL] if REAL.is_file() else found


# -- word error rate -----------------------------------------------------------


def reference(path: Path) -> dict[str, str] | None:
    """Agent and customer text of a fixture, from the script it was made from."""
    truth = path.with_name(path.stem + ".truth.json")
    if not truth.is_file():
        return None
    turns = json.loads(truth.read_text())["turns"]
    return {
        spk: " ".join(t["text"] for t in turns if t["speaker"] == spk)
        for spk in ("agent", "customer")
    }


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).strip()


def wer(pairs: list[tuple[str, str]]) -> float | None:
    import jiwer

    refs = [_norm(r) for r, _ in pairs if _norm(r)]
    hyps = [_norm(h) for r, h in pairs if _norm(r)]
    if not refs:
        return None
    return round(100 * jiwer.wer(refs, hyps), 2)


# -- children: one system each ---------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workload(copies: int) -> list[Path]:
    return [p for _ in range(copies) for p in calls()]


def child_inproc(concurrency: int, copies: int) -> dict[str, Any]:
    from coachloop.config import BatchConfig
    from coachloop.engines.asr import AsrScheduler
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry
    from coachloop.store import Store

    pipeline = Pipeline(registry=RubricRegistry(), batch=BatchConfig())
    pipeline.engine  # load before timing  # noqa: B018
    store = Store(str(Path(tempfile.mkdtemp()) / "bench.db"))
    work = _workload(copies)
    data = {p: p.read_bytes() for p in set(work)}
    stages = dict.fromkeys(("decode_s", "vad_s", "asr_s", "scoring_s", "store_s"), 0.0)
    latencies: list[float] = []
    texts: list[tuple[Path, dict[str, str]]] = []

    async def main() -> float:
        scheduler = AsrScheduler(pipeline.engine, pipeline.engine.batch)
        scheduler.start()
        gate = asyncio.Semaphore(concurrency)
        loop = asyncio.get_running_loop()
        cpu = concurrent.futures.ThreadPoolExecutor(2)
        db = concurrent.futures.ThreadPoolExecutor(1)

        async def one(i: int, path: Path) -> None:
            async with gate:
                t = time.perf_counter()
                request = CallRequest(
                    metadata=CallMetadata(call_id=f"c{i}", agent_id="bench"),
                    audio=data[path],
                )
                prepared = await loop.run_in_executor(cpu, pipeline.prepare, request)
                results = await scheduler.transcribe(prepared.signals)
                scored = await loop.run_in_executor(
                    cpu, pipeline.finish, prepared, results
                )
                s = time.perf_counter()
                doc, _ = await loop.run_in_executor(
                    db,
                    store.record_call,
                    scored.document,
                    lambda h: pipeline.coach(scored, h),
                )
                stages["store_s"] += time.perf_counter() - s
                latencies.append(time.perf_counter() - t)
                for key in ("decode_s", "vad_s", "asr_s", "scoring_s"):
                    stages[key] += getattr(doc.timings, key)
                texts.append((path, _doc_text(doc)))

        started = time.perf_counter()
        await asyncio.gather(*(one(i, p) for i, p in enumerate(work)))
        wall = time.perf_counter() - started
        stats = scheduler.stats()
        stages["mean_batch"] = stats.mean_batch
        await scheduler.close()
        return wall

    wall = asyncio.run(main())
    store.close()
    return _summary(work, wall, latencies, stages, texts, _rss_mb())


def child_rest(concurrency: int, copies: int) -> dict[str, Any]:
    import httpx

    sys.path.insert(0, str(ROOT / "tests"))
    from servers import serve

    work = _workload(copies)
    data = {p: p.read_bytes() for p in set(work)}
    stages = dict.fromkeys(("decode_s", "vad_s", "asr_s", "scoring_s"), 0.0)
    latencies: list[float] = []
    texts: list[tuple[Path, dict[str, str]]] = []
    workdir = Path(tempfile.mkdtemp())
    with serve(workdir, "--db", str(workdir / "bench.db")) as running:

        def post(item: tuple[int, Path]) -> None:
            i, path = item
            meta = json.dumps({"call_id": f"r{i}", "agent_id": "bench"})
            t = time.perf_counter()
            response = httpx.post(
                f"{running.base}/v1/calls",
                files={"audio": (path.name, data[path], "application/octet-stream")},
                data={"metadata": meta},
                timeout=600,
            )
            response.raise_for_status()
            latencies.append(time.perf_counter() - t)
            doc = response.json()
            for key in stages:
                stages[key] += doc["timings"][key]
            texts.append((path, _dict_text(doc)))

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(post, enumerate(work)))
        wall = time.perf_counter() - started
        stages["mean_batch"] = httpx.get(f"{running.base}/healthz").json()["scheduler"][
            "mean_batch"
        ]
        rss = _peak_rss_of(running.proc.pid)
    return _summary(work, wall, latencies, stages, texts, rss)


def child_fw(batched: bool, copies: int) -> dict[str, Any]:
    from coachloop.config import AsrConfig
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    model = WhisperModel(
        str(AsrConfig().resolved_model_path()), device="cpu", compute_type="int8"
    )
    runner = BatchedInferencePipeline(model) if batched else model
    work = _workload(copies)
    latencies: list[float] = []
    texts: list[tuple[Path, dict[str, str]]] = []
    stages = {"decode_s": 0.0, "asr_s": 0.0}
    started = time.perf_counter()
    for path in work:
        t = time.perf_counter()
        channels = decode_audio(str(path), split_stereo=True)
        stages["decode_s"] += time.perf_counter() - t
        a = time.perf_counter()
        out = {}
        for speaker, channel in zip(("agent", "customer"), channels, strict=True):
            segments, _ = runner.transcribe(channel, word_timestamps=True)
            out[speaker] = " ".join(s.text.strip() for s in segments)
        stages["asr_s"] += time.perf_counter() - a
        latencies.append(time.perf_counter() - t)
        texts.append((path, out))
    wall = time.perf_counter() - started
    return _summary(work, wall, latencies, stages, texts, _rss_mb())


def _doc_text(doc: Any) -> dict[str, str]:
    return {
        spk: " ".join(u.text for u in doc.transcript.utterances if u.speaker == spk)
        for spk in ("agent", "customer")
    }


def _dict_text(doc: dict[str, Any]) -> dict[str, str]:
    utterances = doc["transcript"]["utterances"]
    return {
        spk: " ".join(u["text"] for u in utterances if u["speaker"] == spk)
        for spk in ("agent", "customer")
    }


def _peak_rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _duration(path: Path) -> float:
    from coachloop.audio import decode_audio

    return decode_audio(path.read_bytes()).duration


def _summary(
    work: list[Path],
    wall: float,
    latencies: list[float],
    stages: dict[str, float],
    texts: list[tuple[Path, dict[str, str]]],
    rss_mb: float,
) -> dict[str, Any]:
    durations = {p: _duration(p) for p in set(work)}
    audio_s = sum(durations[p] for p in work)
    pairs = []
    for path, hyp in texts:
        ref = reference(path)
        if ref:
            pairs += [(ref[s], hyp.get(s, "")) for s in ("agent", "customer")]
    ordered = sorted(latencies)
    return {
        "calls": len(work),
        "audio_s": round(audio_s, 1),
        "wall_s": round(wall, 2),
        "x_realtime": round(audio_s / wall, 2),
        "p50_s": round(statistics.median(ordered), 2),
        "p95_s": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 2),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "peak_rss_mb": round(rss_mb, 1),
        "wer": wer(pairs),
    }


# -- parent ----------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COACHLOOP_LOG_LEVEL": "WARNING"},
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--no-rest", action="store_true")
    parser.add_argument(
        "--json", default=str(ROOT / "bench" / "results" / "latest.json")
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "inproc":
            result = child_inproc(int(rest[0]), int(rest[1]))
        elif kind == "rest":
            result = child_rest(int(rest[0]), int(rest[1]))
        else:
            result = child_fw(kind == "fw-batched", int(rest[0]))
        print(json.dumps(result))
        return

    levels = [int(c) for c in args.concurrency.split(",")]
    results: dict[str, dict[str, Any]] = {}
    results[FW] = _run_child("fw", str(args.copies))
    results[FW_BATCHED] = _run_child("fw-batched", str(args.copies))
    for c in levels:
        results[f"coachloop in-process c={c}"] = _run_child(
            "inproc", str(c), str(args.copies)
        )
    if not args.no_rest:
        for c in levels:
            results[f"coachloop REST c={c}"] = _run_child(
                "rest", str(c), str(args.copies)
            )
    base = results[FW]["x_realtime"]
    for r in results.values():
        r["ratio_to_transcribe"] = round(r["x_realtime"] / base, 2)

    names = ", ".join(p.name for p in calls())
    print(
        f"{len(calls())} calls x{args.copies} ({names}); {os.cpu_count()} CPUs, "
        f"{platform.machine()}"
    )
    header = (
        f"{'system':<30}{'x real':>8}{'ratio':>7}{'p50 s':>7}{'p95 s':>7}"
        f"{'decode':>8}{'vad':>7}{'asr':>8}{'score':>7}{'store':>7}{'batch':>6}"
        f"{'RSS MB':>8}{'WER %':>7}"
    )
    print(header)
    for name, r in results.items():
        st = r["stages_s"]
        print(
            f"{name:<30}{r['x_realtime']:>8.1f}{r['ratio_to_transcribe']:>7.2f}"
            f"{r['p50_s']:>7.1f}{r['p95_s']:>7.1f}{st.get('decode_s', 0):>8.2f}"
            f"{st.get('vad_s', 0):>7.2f}{st.get('asr_s', 0):>8.1f}"
            f"{st.get('scoring_s', 0):>7.2f}{st.get('store_s', 0):>7.2f}"
            f"{st.get('mean_batch', 0):>6.1f}{r['peak_rss_mb']:>8.0f}"
            f"{r['wer'] if r['wer'] is not None else '-':>7}"
        )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "calls": [p.name for p in calls()],
                "copies": args.copies,
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=1,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
