"""Every environment variable Coachloop reads, declared once.

Nothing else in the package touches ``os.environ`` for configuration. Values
are read when asked for, so tests can change the environment per case.
"""

from __future__ import annotations

import os

_OFFLINE_FLAGS = {
    # Models always load from local paths; these make any accidental hub
    # lookup by huggingface_hub or transformers fail fast instead of hanging.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def set_offline() -> None:
    """Force the offline flags before any model library is imported."""
    for name, value in _OFFLINE_FLAGS.items():
        os.environ[name] = value


def prepare_vllm() -> None:
    """Before vLLM is imported: its engine process is spawned, never forked
    (see VllmBackend), and its log goes to stderr, not stdout, where it would
    corrupt ``score --json``. An operator's own VLLM_LOGGING_STREAM wins."""
    os.environ["VLLM_WORKER_MULTIPROC_METHOD"] = "spawn"
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")


def model_path() -> str | None:
    """COACHLOOP_MODEL_PATH: a CTranslate2 Whisper directory; unset = embedded."""
    return os.environ.get("COACHLOOP_MODEL_PATH") or None


def rubrics_dir() -> str | None:
    """COACHLOOP_RUBRICS: a directory of extra rubric YAML files."""
    return os.environ.get("COACHLOOP_RUBRICS") or None


def db_url() -> str:
    """COACHLOOP_DB: the store's SQLAlchemy URL or SQLite file (coachloop.db)."""
    return os.environ.get("COACHLOOP_DB") or "coachloop.db"


def log_level() -> str:
    """COACHLOOP_LOG_LEVEL: root level of the ``coachloop`` logger (INFO)."""
    return os.environ.get("COACHLOOP_LOG_LEVEL", "INFO").upper()
