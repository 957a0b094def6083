"""The result document: the same content from the CLI, REST and gRPC.

Field names here are the public contract (the protobuf messages in
``protos/coachloop/v1/scoring.proto`` mirror them one to one).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from coachloop.transcript import Speaker

Status = Literal["met", "missed", "partial", "na", "judge_error", "needs_review"]
"""``judge_error`` and ``needs_review`` (``llm`` criteria) count like ``na``
until a human answers: neither met nor missed."""


class Evidence(msgspec.Struct, kw_only=True):
    start: float
    end: float
    speaker: str | None
    """``agent``, ``customer``, ``unknown``, or ``None`` for a stretch of no speech."""
    quote: str | None
    reason: str
    utterance_ids: list[str] = []


class JudgeDetail(msgspec.Struct, kw_only=True):
    """What the judge model answered for an ``llm`` criterion."""

    verdict: str | None
    """The model's verdict (kept under ``needs_review``); ``None`` on error."""
    confidence: float | None
    rationale: str | None
    attempts: int
    error: str | None = None
    """Why the answer was refused (``judge_error``)."""


class ManualAnswer(msgspec.Struct, kw_only=True):
    """A person's verdict on a criterion, kept beside the judge's."""

    verdict: Literal["met", "missed", "na"]
    by: str
    at: str
    """ISO 8601 time in UTC."""
    comment: str | None = None


class CriterionResult(msgspec.Struct, kw_only=True):
    id: str
    name: str
    category: str
    status: Status
    earned: float
    possible: float
    """Points at stake: the rubric's points, or 0 when the criterion is ``na``."""
    points: float
    auto_fail: bool
    summary: str
    evidence: list[Evidence]
    judge: JudgeDetail | None = None
    manual: ManualAnswer | None = None
    """Set when a person answered (a ``needs_review`` or ``judge_error``
    criterion, from the manager's queue); ``status`` is then theirs."""


class Scorecard(msgspec.Struct, kw_only=True):
    rubric_id: str
    rubric_version: int
    rubric_name: str
    status: Literal["scored", "unscorable"]
    score: float | None
    threshold: float
    below_threshold: bool
    auto_fail: bool
    earned: float
    possible: float
    criteria: list[CriterionResult]
    needs_review: bool = False
    """An ``llm`` criterion awaits a human verdict: the judge was unsure
    (``needs_review``) or failed (``judge_error``)."""


class Tier(msgspec.Struct, kw_only=True):
    level: int | None
    label: str
    reasons: list[str]
    due_by: str | None
    """ISO 8601 time in UTC by which the coaching note is due."""


class Excerpt(msgspec.Struct, kw_only=True):
    start: float
    end: float


class Note(msgspec.Struct, kw_only=True):
    criterion_id: str
    criterion_name: str
    headline: str
    """1. Criterion and points."""
    what_happened: str
    """2. What happened, with call timestamps."""
    why_it_matters: str
    """3. The rubric's requirement."""
    what_to_do: str
    """4. One concrete behaviour."""
    next_target: str
    """5. The next-call target and review date."""
    excerpt: Excerpt
    text: str
    id: str | None = None
    drafted_by: Literal["template", "judge"] = "template"
    """``judge``: ``text`` was rewritten by the judge model in a manager's
    voice and every moment it cites was checked against the evidence."""
    """Stored note id (``PATCH /v1/notes/{id}``); ``None`` when not stored."""


class ChannelInfo(msgspec.Struct, kw_only=True):
    index: int
    speaker: Speaker
    voiced_s: float
    """Seconds the voice detector marked as speech."""
    worded_s: float
    """Seconds of that voiced audio covered by recognised words."""
    coverage: float | None
    """``worded_s / voiced_s``; low values mean speech the model did not hear."""
    words: int


class Channels(msgspec.Struct, kw_only=True):
    mode: Literal["stereo", "mono", "transcript"]
    map: list[Speaker]
    """Speaker of each channel index, as used for this call."""
    channels: list[ChannelInfo]


class TranscriptUtterance(msgspec.Struct, kw_only=True):
    id: str
    speaker: Speaker
    start: float
    end: float
    text: str


class TranscriptOut(msgspec.Struct, kw_only=True):
    utterances: list[TranscriptUtterance]


class Timings(msgspec.Struct, kw_only=True):
    decode_s: float
    vad_s: float
    asr_s: float
    scoring_s: float
    total_s: float


class Source(msgspec.Struct, kw_only=True):
    kind: Literal["audio", "transcript"]
    container: str | None = None
    codec: str | None = None
    sample_rate: int | None = None
    bytes: int | None = None


class AsrOptions(msgspec.Struct, kw_only=True):
    model_path: str
    device: str
    compute_type: str
    beam_size: int
    cpu_threads: int
    language: str
    vad_filter: bool
    vad_min_silence_ms: int
    vad_threshold: float
    utterance_gap_s: float


class JudgeModel(msgspec.Struct, kw_only=True):
    """The judge behind ``llm`` criteria: enough to reproduce its answers."""

    backend: str
    model: str
    revision: str | None
    temperature: float
    seed: int
    max_tokens: int
    min_confidence: float


class ModelsUsed(msgspec.Struct, kw_only=True):
    asr: AsrOptions | None
    """``None`` when a transcript was sent instead of audio."""
    phrase_threshold: float
    scorer: str = "rules"
    judge: JudgeModel | None = None


class Document(msgspec.Struct, kw_only=True):
    call_id: str
    agent_id: str | None
    call_type: str | None = None
    started_at: str
    """Call time (ISO 8601, UTC): the caller's ``started_at`` or receipt time."""
    duration: float
    source: Source
    channels: Channels
    transcript: TranscriptOut
    scorecard: Scorecard
    tier: Tier
    notes: list[Note]
    warnings: list[str]
    models: ModelsUsed
    timings: Timings


def to_builtins(doc: Document) -> dict[str, Any]:
    out = msgspec.to_builtins(doc)
    assert isinstance(out, dict)
    return out
