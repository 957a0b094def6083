"""Judge throughput and agreement on calls whose answers are known.

    python bench/judge.py --backend vllm --model /models/qwen2.5-7b-instruct
    python bench/judge.py --backend transformers --model SmolLM2.gguf --calls 2

Composed customer-service transcripts (``coachloop.demo.make_call``) each
miss a known set of criteria, so the right verdict on the three questions of
``tests/fixtures/rubrics/judge-bench.yaml`` is known for every call. Prints
one JSON line: calls and completion tokens per second, and per question the
agreement and Cohen's kappa with the known answers, plus judge errors.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()

    from coachloop.calibrate import cohen_kappa
    from coachloop.config import JudgeConfig
    from coachloop.demo import make_call
    from coachloop.judge import Judge
    from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
    from coachloop.rubrics import RubricRegistry

    judge = Judge(
        JudgeConfig(backend=args.backend, model=args.model, base_url=args.url)
    )
    pipeline = Pipeline(registry=RubricRegistry(), judge=judge, allow_rubric_paths=True)
    patterns = [
        set(c)
        for n in range(len(DECIDES) + 1)
        for c in itertools.combinations(DECIDES.values(), n)
    ]
    truth: dict[str, list[str]] = {q: [] for q in DECIDES}
    said: dict[str, list[str]] = {q: [] for q in DECIDES}
    errors = 0
    started = time.perf_counter()
    for i in range(args.calls):
        missed = patterns[i % len(patterns)]
        doc = pipeline.score(
            CallRequest(
                metadata=CallMetadata(call_id=f"b{i}", rubric=str(RUBRIC)),
                transcript=make_call(sorted(missed)),
            )
        )
        for crit in doc.scorecard.criteria:
            if crit.status == "judge_error":
                errors += 1
                continue
            verdict = crit.judge.verdict if crit.judge else crit.status
            truth[crit.id].append("missed" if DECIDES[crit.id] in missed else "met")
            said[crit.id].append(verdict or "na")
    wall = time.perf_counter() - started
    report = {
        "backend": args.backend,
        "model": args.model,
        "calls": args.calls,
        "wall_s": round(wall, 2),
        "calls_per_s": round(args.calls / wall, 3),
        "completion_tokens": judge.tokens_generated,
        "tokens_per_s": round(judge.tokens_generated / wall, 1),
        "judge_errors": errors,
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
