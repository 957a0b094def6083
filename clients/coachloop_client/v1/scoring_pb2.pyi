from collections.abc import Iterable as _Iterable
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar

from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from google.protobuf.internal import containers as _containers

DESCRIPTOR: _descriptor.FileDescriptor

class InputUtterance(_message.Message):
    __slots__ = ("end", "speaker", "start", "text")
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    speaker: str
    start: float
    end: float
    text: str
    def __init__(self, speaker: str | None = ..., start: float | None = ..., end: float | None = ..., text: str | None = ...) -> None: ...

class InputTranscript(_message.Message):
    __slots__ = ("duration", "utterances")
    UTTERANCES_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    utterances: _containers.RepeatedCompositeFieldContainer[InputUtterance]
    duration: float
    def __init__(self, utterances: _Iterable[InputUtterance | _Mapping] | None = ..., duration: float | None = ...) -> None: ...

class ScoreCallRequest(_message.Message):
    __slots__ = ("agent_id", "audio", "call_id", "call_type", "channels", "rubric", "started_at", "transcript")
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
    def __init__(self, audio: bytes | None = ..., transcript: InputTranscript | _Mapping | None = ..., call_id: str | None = ..., agent_id: str | None = ..., started_at: str | None = ..., call_type: str | None = ..., rubric: str | None = ..., channels: _Iterable[str] | None = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("end", "quote", "reason", "speaker", "start", "utterance_ids")
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
    def __init__(self, start: float | None = ..., end: float | None = ..., speaker: str | None = ..., quote: str | None = ..., reason: str | None = ..., utterance_ids: _Iterable[str] | None = ...) -> None: ...

class CriterionResult(_message.Message):
    __slots__ = ("auto_fail", "category", "earned", "evidence", "id", "name", "points", "possible", "status", "summary")
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
    def __init__(self, id: str | None = ..., name: str | None = ..., category: str | None = ..., status: str | None = ..., earned: float | None = ..., possible: float | None = ..., points: float | None = ..., auto_fail: bool | None = ..., summary: str | None = ..., evidence: _Iterable[Evidence | _Mapping] | None = ...) -> None: ...

class Scorecard(_message.Message):
    __slots__ = ("auto_fail", "below_threshold", "criteria", "earned", "possible", "rubric_id", "rubric_name", "rubric_version", "score", "status", "threshold")
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
    def __init__(self, rubric_id: str | None = ..., rubric_version: int | None = ..., rubric_name: str | None = ..., status: str | None = ..., score: float | None = ..., threshold: float | None = ..., below_threshold: bool | None = ..., auto_fail: bool | None = ..., earned: float | None = ..., possible: float | None = ..., criteria: _Iterable[CriterionResult | _Mapping] | None = ...) -> None: ...

class Tier(_message.Message):
    __slots__ = ("due_by", "label", "level", "reasons")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    level: int
    label: str
    reasons: _containers.RepeatedScalarFieldContainer[str]
    due_by: str
    def __init__(self, level: int | None = ..., label: str | None = ..., reasons: _Iterable[str] | None = ..., due_by: str | None = ...) -> None: ...

class Excerpt(_message.Message):
    __slots__ = ("end", "start")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: float
    end: float
    def __init__(self, start: float | None = ..., end: float | None = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("criterion_id", "criterion_name", "excerpt", "headline", "next_target", "text", "what_happened", "what_to_do", "why_it_matters")
    CRITERION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    WHAT_HAPPENED_FIELD_NUMBER: _ClassVar[int]
    WHY_IT_MATTERS_FIELD_NUMBER: _ClassVar[int]
    WHAT_TO_DO_FIELD_NUMBER: _ClassVar[int]
    NEXT_TARGET_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    criterion_id: str
    criterion_name: str
    headline: str
    what_happened: str
    why_it_matters: str
    what_to_do: str
    next_target: str
    excerpt: Excerpt
    text: str
    def __init__(self, criterion_id: str | None = ..., criterion_name: str | None = ..., headline: str | None = ..., what_happened: str | None = ..., why_it_matters: str | None = ..., what_to_do: str | None = ..., next_target: str | None = ..., excerpt: Excerpt | _Mapping | None = ..., text: str | None = ...) -> None: ...

class ChannelInfo(_message.Message):
    __slots__ = ("coverage", "index", "speaker", "voiced_s", "worded_s", "words")
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
    def __init__(self, index: int | None = ..., speaker: str | None = ..., voiced_s: float | None = ..., worded_s: float | None = ..., coverage: float | None = ..., words: int | None = ...) -> None: ...

class Channels(_message.Message):
    __slots__ = ("channels", "map", "mode")
    MODE_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    mode: str
    map: _containers.RepeatedScalarFieldContainer[str]
    channels: _containers.RepeatedCompositeFieldContainer[ChannelInfo]
    def __init__(self, mode: str | None = ..., map: _Iterable[str] | None = ..., channels: _Iterable[ChannelInfo | _Mapping] | None = ...) -> None: ...

class TranscriptUtterance(_message.Message):
    __slots__ = ("end", "id", "speaker", "start", "text")
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
    def __init__(self, id: str | None = ..., speaker: str | None = ..., start: float | None = ..., end: float | None = ..., text: str | None = ...) -> None: ...

class Transcript(_message.Message):
    __slots__ = ("utterances",)
    UTTERANCES_FIELD_NUMBER: _ClassVar[int]
    utterances: _containers.RepeatedCompositeFieldContainer[TranscriptUtterance]
    def __init__(self, utterances: _Iterable[TranscriptUtterance | _Mapping] | None = ...) -> None: ...

class Timings(_message.Message):
    __slots__ = ("asr_s", "decode_s", "scoring_s", "total_s", "vad_s")
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
    def __init__(self, decode_s: float | None = ..., vad_s: float | None = ..., asr_s: float | None = ..., scoring_s: float | None = ..., total_s: float | None = ...) -> None: ...

class Source(_message.Message):
    __slots__ = ("bytes", "codec", "container", "kind", "sample_rate")
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
    def __init__(self, kind: str | None = ..., container: str | None = ..., codec: str | None = ..., sample_rate: int | None = ..., bytes: int | None = ...) -> None: ...

class AsrOptions(_message.Message):
    __slots__ = ("beam_size", "compute_type", "cpu_threads", "device", "language", "model_path", "utterance_gap_s", "vad_filter", "vad_min_silence_ms", "vad_threshold")
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
    def __init__(self, model_path: str | None = ..., device: str | None = ..., compute_type: str | None = ..., beam_size: int | None = ..., cpu_threads: int | None = ..., language: str | None = ..., vad_filter: bool | None = ..., vad_min_silence_ms: int | None = ..., vad_threshold: float | None = ..., utterance_gap_s: float | None = ...) -> None: ...

class ModelsUsed(_message.Message):
    __slots__ = ("asr", "phrase_threshold", "scorer")
    ASR_FIELD_NUMBER: _ClassVar[int]
    PHRASE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SCORER_FIELD_NUMBER: _ClassVar[int]
    asr: AsrOptions
    phrase_threshold: float
    scorer: str
    def __init__(self, asr: AsrOptions | _Mapping | None = ..., phrase_threshold: float | None = ..., scorer: str | None = ...) -> None: ...

class ScoreCallResponse(_message.Message):
    __slots__ = ("agent_id", "call_id", "channels", "duration", "models", "notes", "scorecard", "source", "started_at", "tier", "timings", "transcript", "warnings")
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
    def __init__(self, call_id: str | None = ..., agent_id: str | None = ..., started_at: str | None = ..., duration: float | None = ..., source: Source | _Mapping | None = ..., channels: Channels | _Mapping | None = ..., transcript: Transcript | _Mapping | None = ..., scorecard: Scorecard | _Mapping | None = ..., tier: Tier | _Mapping | None = ..., notes: _Iterable[Note | _Mapping] | None = ..., warnings: _Iterable[str] | None = ..., models: ModelsUsed | _Mapping | None = ..., timings: Timings | _Mapping | None = ...) -> None: ...
