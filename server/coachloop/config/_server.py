from __future__ import annotations

import dataclasses

from coachloop.config._asr import _check_range

_MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    grpc_port: int = 50051
    """0 picks a free port; -1 disables gRPC."""
    max_upload_bytes: int = 64 * _MIB
    """Largest accepted request, REST body and gRPC message alike.

    A 6-minute 8 kHz stereo PCM WAV is about 11.5 MB, above Litestar's 10 MB
    and gRPC's 4 MiB defaults; 64 MiB holds about half an hour of it.
    """
    rubrics_dir: str | None = None
    db_url: str | None = None
    """The coaching store: a SQLAlchemy URL or a SQLite file path; ``None``
    serves scoring only (``/v1/calls:score``), with nothing stored."""

    def __post_init__(self) -> None:
        _check_range("server.port", self.port, 0, 65535)
        _check_range("server.grpc_port", self.grpc_port, -1, 65535)
        _check_range("server.max_upload_bytes", self.max_upload_bytes, 1024, 2**31 - 1)
        if self.port and self.port == self.grpc_port:
            raise ValueError(
                f"server.port and server.grpc_port are both {self.port}; "
                "REST and gRPC need their own ports"
            )
