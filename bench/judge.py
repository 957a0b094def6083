"""Judge throughput and agreement on calls whose answers are known.

    python bench/judge.py --backend vllm --model models/judge --concurrency 1,8
    python bench/judge.py --backend transformers --model SmolLM2.gguf --calls 2

Composed customer-service transcripts (``coachloop.demo.make_call``) each
miss a known set of criteria, so the right verdict on the three questions of
``tests/fixtures/rubrics/judge-bench.yaml`` is known for every call.

The same calls are judged once per ``--concurrency`` level, with that many
calls in flight from a thread pool as the server's judge pool sends them, so
one run shows what batching across calls buys (``vs_first``). Prints one
JSON line: per level calls and completion tokens per second and the share of
prompt tokens read from the prefix cache; per question the agreement and
Cohen's kappa with the known answers (over the first level), and judge errors.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "tests" / "fixtures" / "rubrics" / "judge-bench.yaml"
# question id -> the composed call's criterion that decides it
DECIDES = {
    "apology": "empathy",
    "verification": "identity-verification",
    "anything-else": "further-help",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="vllm")
    parser.add_argument("--model", required=True)
    parser.add_argument("--url", help="openai backend: base URL")
    parser.add_argument("--calls", type=int, default=64)
    parser.add_argument(
        "--concurrency", default="1", help="calls in flight, e.g. 1,8 (default 1)"
    )
    parser.add_argument(
        "--profile", default="cpu", help="judge defaults (vllm: cpu or gpu)"
    )
    parser.add_argument("--max-model-len", type=int, default=None)
    parser.add_argument(
        "--max-tokens", type=int, default=384, help="reply budget; the retry gets 2x"
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]

    from coachloop.calibrate import cohen_kappa
    from coachloop.config import JudgeConfig
    from coachloop.config._profiles import profile_defaults
    from coachloop.demo import make_call
    from coachloop.judge import Judge
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry

    judge = Judge(
        JudgeConfig(
            backend=args.backend,
            model=args.model,
            base_url=args.url,
            max_model_len=args.max_model_len,
            max_tokens=args.max_tokens,
            retry_max_tokens=2 * args.max_tokens,
            timeout_s=600,
            **profile_defaults(args.profile)["judge"],
        )
    )
    pipeline = Pipeline(registry=RubricRegistry(), judge=judge, allow_rubric_paths=True)
    patterns = [
        set(c)
        for n in range(len(DECIDES) + 1)
        for c in itertools.combinations(DECIDES.values(), n)
    ]
    missed = [patterns[i % len(patterns)] for i in range(args.calls)]
    requests = [
        CallRequest(
            metadata=CallMetadata(call_id=f"b{i}", rubric=str(RUBRIC)),
            transcript=make_call(sorted(missed[i])),
        )
        for i in range(args.calls)
    ]
    runs = []
    first: list = []
    for level in levels:
        before = judge.counters()
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(level) as pool:
            docs = list(pool.map(pipeline.score, requests))
        wall = time.perf_counter() - started
        after = judge.counters()
        tokens = after["completion_tokens"] - before["completion_tokens"]
        prompt = after["prompt_tokens"] - before["prompt_tokens"]
        cached = after["cached_prompt_tokens"] - before["cached_prompt_tokens"]
        runs.append(
            {
                "concurrency": level,
                "wall_s": round(wall, 2),
                "calls_per_s": round(args.calls / wall, 3),
                "completion_tokens": tokens,
                "tokens_per_s": round(tokens / wall, 1),
                "prompt_cached_share": round(cached / prompt, 3) if prompt else None,
                "judge_errors": sum(
                    c.status == "judge_error"
                    for d in docs
                    for c in d.scorecard.criteria
                ),
            }
        )
        if not first:
            first = docs
    for run in runs:
        run["vs_first"] = round(run["calls_per_s"] / runs[0]["calls_per_s"], 2)
    truth: dict[str, list[str]] = {q: [] for q in DECIDES}
    said: dict[str, list[str]] = {q: [] for q in DECIDES}
    for doc, miss in zip(first, missed, strict=True):
        for crit in doc.scorecard.criteria:
            if crit.status == "judge_error":
                continue
            verdict = crit.judge.verdict if crit.judge else crit.status
            truth[crit.id].append("missed" if DECIDES[crit.id] in miss else "met")
            said[crit.id].append(verdict or "na")
    report = {
        "backend": args.backend,
        "model": args.model,
        "calls": args.calls,
        "runs": runs,
        "agreement": {
            q: {
                "n": len(truth[q]),
                "agree": round(
                    sum(a == b for a, b in zip(truth[q], said[q], strict=True))
                    / max(1, len(truth[q])),
                    3,
                ),
                "kappa": cohen_kappa(truth[q], said[q]),
            }
            for q in DECIDES
        },
    }
    judge.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
