from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_REAL = ROOT.parent / "shared" / "real"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text())


@pytest.fixture(scope="session")
def engine():
    """One real Whisper tiny.en engine for the whole run, as the server holds."""
    from coachloop.config import AsrConfig
    from coachloop.engines.asr import WhisperEngine

    return WhisperEngine(AsrConfig())


@pytest.fixture(scope="session")
def pipeline(engine):
    from coachloop.pipeline import Pipeline
    from coachloop.rubrics import RubricRegistry

    return Pipeline(registry=RubricRegistry(), engine=engine, allow_rubric_paths=True)
