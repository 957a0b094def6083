from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InputUtterance(_message.Message):
    __slots__ = ("speaker", "start", "end", "text")
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    speaker: str
    start: float
    end: float
    text: str
    def __init__(self, speaker: _Optional[str] = ..., start: _Optional[float] = ..., end: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class InputTranscript(_message.Message):
    __slots__ = ("utterances", "duration")
    UTTERANCES_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    utterances: _containers.RepeatedCompositeFieldContainer[InputUtterance]
    duration: float
    def __init__(self, utterances: _Optional[_Iterable[_Union[InputUtterance, _Mapping]]] = ..., duration: _Optional[float] = ...) -> None: ...

class ScoreCallRequest(_message.Message):
    __slots__ = ("audio", "transcript", "call_id", "agent_id", "started_at", "call_type", "rubric", "channels")
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    CALL_TYPE_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    audio: bytes
    transcript: InputTranscript
    call_id: str
    agent_id: str
    started_at: str
    call_type: str
    rubric: str
    channels: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, audio: _Optional[bytes] = ..., transcript: _Optional[_Union[InputTranscript, _Mapping]] = ..., call_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., started_at: _Optional[str] = ..., call_type: _Optional[str] = ..., rubric: _Optional[str] = ..., channels: _Optional[_Iterable[str]] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("start", "end", "speaker", "quote", "reason", "utterance_ids")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    start: float
    end: float
    speaker: str
    quote: str
    reason: str
    utterance_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, start: _Optional[float] = ..., end: _Optional[float] = ..., speaker: _Optional[str] = ..., quote: _Optional[str] = ..., reason: _Optional[str] = ..., utterance_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class JudgeDetail(_message.Message):
    __slots__ = ("verdict", "confidence", "rationale", "attempts", "error")
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    verdict: str
    confidence: float
    rationale: str
    attempts: int
    error: str
    def __init__(self, verdict: _Optional[str] = ..., confidence: _Optional[float] = ..., rationale: _Optional[str] = ..., attempts: _Optional[int] = ..., error: _Optional[str] = ...) -> None: ...

class ManualAnswer(_message.Message):
    __slots__ = ("verdict", "by", "at", "comment")
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    verdict: str
    by: str
    at: str
    comment: str
    def __init__(self, verdict: _Optional[str] = ..., by: _Optional[str] = ..., at: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class CriterionResult(_message.Message):
    __slots__ = ("id", "name", "category", "status", "earned", "possible", "points", "auto_fail", "summary", "evidence", "judge", "manual")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EARNED_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    AUTO_FAIL_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    JUDGE_FIELD_NUMBER: _ClassVar[int]
    MANUAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    category: str
    status: str
    earned: float
    possible: float
    points: float
    auto_fail: bool
    summary: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    judge: JudgeDetail
    manual: ManualAnswer
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., category: _Optional[str] = ..., status: _Optional[str] = ..., earned: _Optional[float] = ..., possible: _Optional[float] = ..., points: _Optional[float] = ..., auto_fail: _Optional[bool] = ..., summary: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., judge: _Optional[_Union[JudgeDetail, _Mapping]] = ..., manual: _Optional[_Union[ManualAnswer, _Mapping]] = ...) -> None: ...

class Scorecard(_message.Message):
    __slots__ = ("rubric_id", "rubric_version", "rubric_name", "status", "score", "threshold", "below_threshold", "auto_fail", "earned", "possible", "criteria", "needs_review")
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_VERSION_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    BELOW_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    AUTO_FAIL_FIELD_NUMBER: _ClassVar[int]
    EARNED_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    rubric_id: str
    rubric_version: int
    rubric_name: str
    status: str
    score: float
    threshold: float
    below_threshold: bool
    auto_fail: bool
    earned: float
    possible: float
    criteria: _containers.RepeatedCompositeFieldContainer[CriterionResult]
    needs_review: bool
    def __init__(self, rubric_id: _Optional[str] = ..., rubric_version: _Optional[int] = ..., rubric_name: _Optional[str] = ..., status: _Optional[str] = ..., score: _Optional[float] = ..., threshold: _Optional[float] = ..., below_threshold: _Optional[bool] = ..., auto_fail: _Optional[bool] = ..., earned: _Optional[float] = ..., possible: _Optional[float] = ..., criteria: _Optional[_Iterable[_Union[CriterionResult, _Mapping]]] = ..., needs_review: _Optional[bool] = ...) -> None: ...

class Tier(_message.Message):
    __slots__ = ("level", "label", "reasons", "due_by")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    level: int
    label: str
    reasons: _containers.RepeatedScalarFieldContainer[str]
    due_by: str
    def __init__(self, level: _Optional[int] = ..., label: _Optional[str] = ..., reasons: _Optional[_Iterable[str]] = ..., due_by: _Optional[str] = ...) -> None: ...

class Excerpt(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: float
    end: float
    def __init__(self, start: _Optional[float] = ..., end: _Optional[float] = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("criterion_id", "criterion_name", "headline", "what_happened", "why_it_matters", "what_to_do", "next_target", "excerpt", "text", "id", "drafted_by")
    CRITERION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    WHAT_HAPPENED_FIELD_NUMBER: _ClassVar[int]
    WHY_IT_MATTERS_FIELD_NUMBER: _ClassVar[int]
    WHAT_TO_DO_FIELD_NUMBER: _ClassVar[int]
    NEXT_TARGET_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    DRAFTED_BY_FIELD_NUMBER: _ClassVar[int]
    criterion_id: str
    criterion_name: str
    headline: str
    what_happened: str
    why_it_matters: str
    what_to_do: str
    next_target: str
    excerpt: Excerpt
    text: str
    id: str
    drafted_by: str
    def __init__(self, criterion_id: _Optional[str] = ..., criterion_name: _Optional[str] = ..., headline: _Optional[str] = ..., what_happened: _Optional[str] = ..., why_it_matters: _Optional[str] = ..., what_to_do: _Optional[str] = ..., next_target: _Optional[str] = ..., excerpt: _Optional[_Union[Excerpt, _Mapping]] = ..., text: _Optional[str] = ..., id: _Optional[str] = ..., drafted_by: _Optional[str] = ...) -> None: ...

class ChannelInfo(_message.Message):
    __slots__ = ("index", "speaker", "voiced_s", "worded_s", "coverage", "words")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    VOICED_S_FIELD_NUMBER: _ClassVar[int]
    WORDED_S_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    index: int
    speaker: str
    voiced_s: float
    worded_s: float
    coverage: float
    words: int
    def __init__(self, index: _Optional[int] = ..., speaker: _Optional[str] = ..., voiced_s: _Optional[float] = ..., worded_s: _Optional[float] = ..., coverage: _Optional[float] = ..., words: _Optional[int] = ...) -> None: ...

class Channels(_message.Message):
    __slots__ = ("mode", "map", "channels")
    MODE_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    mode: str
    map: _containers.RepeatedScalarFieldContainer[str]
    channels: _containers.RepeatedCompositeFieldContainer[ChannelInfo]
    def __init__(self, mode: _Optional[str] = ..., map: _Optional[_Iterable[str]] = ..., channels: _Optional[_Iterable[_Union[ChannelInfo, _Mapping]]] = ...) -> None: ...

class TranscriptUtterance(_message.Message):
    __slots__ = ("id", "speaker", "start", "end", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    speaker: str
    start: float
    end: float
    text: str
    def __init__(self, id: _Optional[str] = ..., speaker: _Optional[str] = ..., start: _Optional[float] = ..., end: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class Transcript(_message.Message):
    __slots__ = ("utterances",)
    UTTERANCES_FIELD_NUMBER: _ClassVar[int]
    utterances: _containers.RepeatedCompositeFieldContainer[TranscriptUtterance]
    def __init__(self, utterances: _Optional[_Iterable[_Union[TranscriptUtterance, _Mapping]]] = ...) -> None: ...

class Timings(_message.Message):
    __slots__ = ("decode_s", "vad_s", "asr_s", "scoring_s", "total_s")
    DECODE_S_FIELD_NUMBER: _ClassVar[int]
    VAD_S_FIELD_NUMBER: _ClassVar[int]
    ASR_S_FIELD_NUMBER: _ClassVar[int]
    SCORING_S_FIELD_NUMBER: _ClassVar[int]
    TOTAL_S_FIELD_NUMBER: _ClassVar[int]
    decode_s: float
    vad_s: float
    asr_s: float
    scoring_s: float
    total_s: float
    def __init__(self, decode_s: _Optional[float] = ..., vad_s: _Optional[float] = ..., asr_s: _Optional[float] = ..., scoring_s: _Optional[float] = ..., total_s: _Optional[float] = ...) -> None: ...

class Source(_message.Message):
    __slots__ = ("kind", "container", "codec", "sample_rate", "bytes")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    kind: str
    container: str
    codec: str
    sample_rate: int
    bytes: int
    def __init__(self, kind: _Optional[str] = ..., container: _Optional[str] = ..., codec: _Optional[str] = ..., sample_rate: _Optional[int] = ..., bytes: _Optional[int] = ...) -> None: ...

class AsrOptions(_message.Message):
    __slots__ = ("model_path", "device", "compute_type", "beam_size", "cpu_threads", "language", "vad_filter", "vad_min_silence_ms", "vad_threshold", "utterance_gap_s")
    MODEL_PATH_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TYPE_FIELD_NUMBER: _ClassVar[int]
    BEAM_SIZE_FIELD_NUMBER: _ClassVar[int]
    CPU_THREADS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VAD_FILTER_FIELD_NUMBER: _ClassVar[int]
    VAD_MIN_SILENCE_MS_FIELD_NUMBER: _ClassVar[int]
    VAD_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_GAP_S_FIELD_NUMBER: _ClassVar[int]
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
    def __init__(self, model_path: _Optional[str] = ..., device: _Optional[str] = ..., compute_type: _Optional[str] = ..., beam_size: _Optional[int] = ..., cpu_threads: _Optional[int] = ..., language: _Optional[str] = ..., vad_filter: _Optional[bool] = ..., vad_min_silence_ms: _Optional[int] = ..., vad_threshold: _Optional[float] = ..., utterance_gap_s: _Optional[float] = ...) -> None: ...

class JudgeModel(_message.Message):
    __slots__ = ("backend", "model", "revision", "temperature", "seed", "max_tokens", "min_confidence")
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MIN_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    backend: str
    model: str
    revision: str
    temperature: float
    seed: int
    max_tokens: int
    min_confidence: float
    def __init__(self, backend: _Optional[str] = ..., model: _Optional[str] = ..., revision: _Optional[str] = ..., temperature: _Optional[float] = ..., seed: _Optional[int] = ..., max_tokens: _Optional[int] = ..., min_confidence: _Optional[float] = ...) -> None: ...

class ModelsUsed(_message.Message):
    __slots__ = ("asr", "phrase_threshold", "scorer", "judge")
    ASR_FIELD_NUMBER: _ClassVar[int]
    PHRASE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SCORER_FIELD_NUMBER: _ClassVar[int]
    JUDGE_FIELD_NUMBER: _ClassVar[int]
    asr: AsrOptions
    phrase_threshold: float
    scorer: str
    judge: JudgeModel
    def __init__(self, asr: _Optional[_Union[AsrOptions, _Mapping]] = ..., phrase_threshold: _Optional[float] = ..., scorer: _Optional[str] = ..., judge: _Optional[_Union[JudgeModel, _Mapping]] = ...) -> None: ...

class ScoreCallResponse(_message.Message):
    __slots__ = ("call_id", "agent_id", "started_at", "duration", "source", "channels", "transcript", "scorecard", "tier", "notes", "warnings", "models", "timings", "call_type")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    SCORECARD_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    CALL_TYPE_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    agent_id: str
    started_at: str
    duration: float
    source: Source
    channels: Channels
    transcript: Transcript
    scorecard: Scorecard
    tier: Tier
    notes: _containers.RepeatedCompositeFieldContainer[Note]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    models: ModelsUsed
    timings: Timings
    call_type: str
    def __init__(self, call_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., started_at: _Optional[str] = ..., duration: _Optional[float] = ..., source: _Optional[_Union[Source, _Mapping]] = ..., channels: _Optional[_Union[Channels, _Mapping]] = ..., transcript: _Optional[_Union[Transcript, _Mapping]] = ..., scorecard: _Optional[_Union[Scorecard, _Mapping]] = ..., tier: _Optional[_Union[Tier, _Mapping]] = ..., notes: _Optional[_Iterable[_Union[Note, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., models: _Optional[_Union[ModelsUsed, _Mapping]] = ..., timings: _Optional[_Union[Timings, _Mapping]] = ..., call_type: _Optional[str] = ...) -> None: ...
