#!/usr/bin/env bash
# Set up a virtual environment (once), install Coachloop, and score the
# committed sample call. Extra arguments go to `coachloop score`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ./clients -e .
.venv/bin/coachloop score tests/fixtures/billing_interrupt.flac "$@"
