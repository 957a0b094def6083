from __future__ import annotations

import json
from typing import Any

import httpx


class CoachloopHTTPError(Exception):
    """A 4xx/5xx answer: ``status``, the server's ``detail`` and whole ``body``."""

    def __init__(
        self, status: int, detail: str, body: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.body = body or {}


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

    # -- the coaching store (a server started with --db) ----------------------

    def record_audio(
        self, audio: bytes, *, filename: str = "call.wav", **metadata: Any
    ) -> dict[str, Any]:
        """Score and store a recording (``agent_id`` required): ``POST /v1/calls``."""
        files = {"audio": (filename, audio, "application/octet-stream")}
        data = {"metadata": json.dumps(metadata)}
        return self._check(self._http.post("/v1/calls", files=files, data=data))

    def record_transcript(
        self, transcript: dict[str, Any], **metadata: Any
    ) -> dict[str, Any]:
        body = {**metadata, "transcript": transcript}
        return self._check(self._http.post("/v1/calls", json=body))

    def get(self, path: str, **params: Any) -> Any:
        """``GET`` any route, e.g. ``get("/v1/managers/m-1/queue")``."""
        return self._check(self._http.get(path, params=params or None))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._check(self._http.post(path, json=body))

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._check(self._http.patch(path, json=body))

    def queue(self, manager_id: str, state: str | None = None) -> dict[str, Any]:
        params = {"state": state} if state else {}
        return self.get(f"/v1/managers/{manager_id}/queue", **params)

    def note_action(self, note_id: str, action: str, **body: Any) -> dict[str, Any]:
        """``approve``, ``send``, ``acknowledge`` or ``dismiss`` a note."""
        return self.post(f"/v1/notes/{note_id}/{action}", body)

    @staticmethod
    def _check(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            body: dict[str, Any] = {}
            try:
                body = response.json()
                detail = body.get("detail", response.text)
            except ValueError:
                detail = response.text
            raise CoachloopHTTPError(response.status_code, str(detail), body)
        return response.json()
