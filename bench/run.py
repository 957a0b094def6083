"""Throughput of Coachloop's pipeline beside plain faster-whisper, in one run.

    python bench/run.py [--repeat N] [--json bench/results/latest.json]

Side by side on the same calls (the project's fixtures, plus the real
Auto_Repairs call when ../shared/real is present):

- coachloop: decode, VAD, ASR per channel (greedy, VAD-filtered) and scoring,
  as `coachloop score` runs it;
- faster-whisper: `WhisperModel.transcribe` per channel with its defaults
  (beam 5, no VAD), what a user would script, on the same model files.

Both use the same CTranslate2 model and compute type, loaded once.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def calls() -> list[Path]:
    found = sorted((ROOT / "tests" / "fixtures").glob("*.flac"))
    real = (
        ROOT.parent / "shared" / "real" / "Auto_Repairs_40_UTC_stereo_ulaw_DERIVED.wav"
    )
    return [*found, real] if real.is_file() else found


def bench_coachloop(paths: list[Path], repeat: int) -> dict:
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry

    pipeline = Pipeline(registry=RubricRegistry())
    pipeline.engine  # load before timing  # noqa: B018
    stages = {"decode_s": 0.0, "vad_s": 0.0, "asr_s": 0.0, "scoring_s": 0.0}
    audio_s = 0.0
    started = time.perf_counter()
    for _ in range(repeat):
        for path in paths:
            doc = pipeline.score(
                CallRequest(
                    metadata=CallMetadata(call_id=path.stem), audio=path.read_bytes()
                )
            )
            audio_s += doc.duration
            for key in stages:
                stages[key] += getattr(doc.timings, key)
    wall = time.perf_counter() - started
    return {"audio_s": audio_s, "wall_s": wall, **stages}


def bench_faster_whisper(paths: list[Path], repeat: int) -> dict:
    from coachloop.config import AsrConfig
    from faster_whisper import WhisperModel, decode_audio

    model = WhisperModel(
        str(AsrConfig().resolved_model_path()), device="cpu", compute_type="int8"
    )
    audio_s = 0.0
    asr = 0.0
    started = time.perf_counter()
    for _ in range(repeat):
        for path in paths:
            channels = decode_audio(str(path), split_stereo=True)
            audio_s += len(channels[0]) / 16000
            t = time.perf_counter()
            for channel in channels:
                segments, _ = model.transcribe(channel, word_timestamps=True)
                list(segments)
            asr += time.perf_counter() - t
    wall = time.perf_counter() - started
    return {"audio_s": audio_s, "wall_s": wall, "asr_s": asr}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--json", default=str(ROOT / "bench" / "results" / "latest.json")
    )
    args = parser.parse_args()
    paths = calls()
    results = {
        "faster-whisper defaults": bench_faster_whisper(paths, args.repeat),
        "coachloop": bench_coachloop(paths, args.repeat),
    }
    base = results["faster-whisper defaults"]
    base_rate = base["audio_s"] / base["wall_s"]
    print(f"{len(paths)} calls x{args.repeat}, {platform.machine()}")
    print(
        f"{'system':<26}{'audio s':>9}{'wall s':>9}{'x real':>8}{'ratio':>7}"
        f"{'decode':>8}{'vad':>7}{'asr':>8}{'score':>8}"
    )
    for name, r in results.items():
        rate = r["audio_s"] / r["wall_s"]
        r["x_realtime"] = rate
        r["ratio_to_faster_whisper"] = rate / base_rate
        print(
            f"{name:<26}{r['audio_s']:>9.1f}{r['wall_s']:>9.2f}{rate:>8.1f}"
            f"{rate / base_rate:>7.2f}{r.get('decode_s', 0):>8.2f}"
            f"{r.get('vad_s', 0):>7.2f}"
            f"{r['asr_s']:>8.2f}{r.get('scoring_s', 0):>8.3f}"
        )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"calls": [p.name for p in paths], "results": results}, indent=1)
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
