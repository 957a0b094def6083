from __future__ import annotations

import filecmp
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module",
    [
        "coachloop",
        "coachloop.rubrics",
        "coachloop.scoring",
        "coachloop.config",
        "coachloop.audio",
        "coachloop_client",
    ],
)
def test_public_names_are_exported_and_sorted(module):
    mod = importlib.import_module(module)
    assert mod.__all__ == sorted(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.__all__ lists missing {name}"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_generated_grpc_stubs_match_the_proto(tmp_path):
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "gen_protos.sh"), str(tmp_path)],
        check=True,
        env={**os.environ, "PYTHON": sys.executable},
    )
    committed = ROOT / "clients" / "coachloop_client" / "v1"
    for name in ("scoring_pb2.py", "scoring_pb2.pyi", "scoring_pb2_grpc.py"):
        assert filecmp.cmp(
            tmp_path / "coachloop_client" / "v1" / name, committed / name, shallow=False
        ), f"{name} is stale: run scripts/gen_protos.sh"
