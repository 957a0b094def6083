from __future__ import annotations

import json
from typing import Any

import httpx


class CoachloopHTTPError(Exception):
    """A 4xx/5xx answer; ``status`` and the server's ``detail`` message."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class RestClient:
    def __init__(self, base_url: str, *, timeout: float = 300.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

    def __enter__(self) -> RestClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def health(self) -> dict[str, Any]:
        return self._check(self._http.get("/healthz"))

    def score_audio(
        self, audio: bytes, *, filename: str = "call.wav", **metadata: Any
    ) -> dict[str, Any]:
        """Score a recording; ``metadata``: call_id, agent_id, rubric, channels..."""
        files = {"audio": (filename, audio, "application/octet-stream")}
        data = {"metadata": json.dumps(metadata)} if metadata else {}
        return self._check(self._http.post("/v1/calls:score", files=files, data=data))

    def score_transcript(
        self, transcript: dict[str, Any], **metadata: Any
    ) -> dict[str, Any]:
        body = {**metadata, "transcript": transcript}
        return self._check(self._http.post("/v1/calls:score", json=body))

    @staticmethod
    def _check(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise CoachloopHTTPError(response.status_code, str(detail))
        result: dict[str, Any] = response.json()
        return result
