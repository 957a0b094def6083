"""Start a real `coachloop serve` process on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    base: str
    grpc_target: str
    log_path: Path
    proc: subprocess.Popen


@contextlib.contextmanager
def serve(workdir: Path, *args: str, start_s: float = 60) -> Iterator[Running]:
    """Run the server with ``args`` until the block ends; its log is kept.
    ``start_s``: how long it may take to answer /healthz."""
    port, grpc_port = free_port(), free_port()
    log_path = workdir / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coachloop",
            "serve",
            "--port",
            str(port),
            "--grpc-port",
            str(grpc_port),
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_s
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            raise RuntimeError(log_path.read_text())
        time.sleep(0.2)
    try:
        yield Running(base, f"127.0.0.1:{grpc_port}", log_path, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def post_judged_call(base: str, call_id: str, timeout: float = 60) -> dict:
    """Store a composed call of agent a1 under the judged-service rubric (from
    tests/fixtures/rubrics); the created document."""
    import msgspec
    from coachloop.demo import make_call

    body = {
        "call_id": call_id,
        "agent_id": "a1",
        "rubric": "judged-service",
        "transcript": msgspec.to_builtins(make_call()),
    }
    response = httpx.post(f"{base}/v1/calls", json=body, timeout=timeout)
    assert response.status_code == 201, response.text
    return response.json()
