"""Score one call end to end: decode, ASR, rubric, tier, notes.

Protocol adapters (CLI, REST, gRPC) build a :class:`CallRequest` and call
:meth:`Pipeline.score`; nothing here knows about HTTP or gRPC.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import msgspec
import numpy as np
import numpy.typing as npt

from coachloop.audio import decode_audio
from coachloop.audio._decode import channels_identical
from coachloop.config import AsrConfig, BatchConfig, ScoringConfig, TierConfig
from coachloop.document import (
    ChannelInfo,
    Channels,
    Document,
    ModelsUsed,
    Source,
    Timings,
    TranscriptOut,
    TranscriptUtterance,
)
from coachloop.engines.asr import build_utterances
from coachloop.errors import BadRequest, CoachloopError, EngineError
from coachloop.records import Id, Name
from coachloop.rubrics import Rubric, RubricRegistry
from coachloop.rubrics._schema import LlmCheck
from coachloop.scoring import (
    AgentHistory,
    PhraseMatcher,
    draft_notes,
    repeated_misses,
    score_transcript,
    triage,
)
from coachloop.transcript import (
    Speaker,
    Transcript,
    TranscriptIn,
    transcript_from_input,
)

if TYPE_CHECKING:
    from coachloop.engines.asr import ChannelResult, WhisperEngine
    from coachloop.judge import Judge

logger = logging.getLogger(__name__)

DEFAULT_RUBRIC = "customer-service"
_WORD_PAD_S = 0.3
DEFAULT_CHANNELS: tuple[Speaker, Speaker] = ("agent", "customer")


class CallMetadata(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a caller may say about a call besides its audio or transcript."""

    call_id: Id | None = None
    agent_id: Id | None = None
    started_at: datetime | None = None
    call_type: Name | None = None
    rubric: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)] = DEFAULT_RUBRIC
    channels: list[Speaker] | None = None
    """Speaker of each stereo channel, e.g. ``["customer", "agent"]``."""


class TranscriptRequest(CallMetadata, kw_only=True, forbid_unknown_fields=True):
    """A REST JSON body: metadata plus the transcript to score."""

    transcript: TranscriptIn


@dataclasses.dataclass(frozen=True)
class CallRequest:
    metadata: CallMetadata
    audio: bytes | None = None
    transcript: TranscriptIn | None = None


@dataclasses.dataclass(kw_only=True)
class Prepared:
    """A checked request with its audio decoded, waiting for the model."""

    request: CallRequest
    rubric: Rubric
    call_time: datetime
    started: float
    """``perf_counter`` at receipt, for the total time."""
    warnings: list[str] = dataclasses.field(default_factory=list)
    transcript: Transcript | None = None
    """Set when the caller sent a transcript instead of audio."""
    signals: list[npt.NDArray[np.float32]] = dataclasses.field(default_factory=list)
    """Channels to transcribe (one when mono or identical), 16 kHz float."""
    speakers: list[Speaker] = dataclasses.field(default_factory=list)
    source: Source = dataclasses.field(default_factory=lambda: Source(kind="audio"))
    duration: float = 0.0
    decode_s: float = 0.0


@dataclasses.dataclass(frozen=True)
class ScoredCall:
    """A scored call before history is applied: what :meth:`Pipeline.coach` needs."""

    document: Document
    """Triaged on the call alone; notes drafted for that tier."""
    rubric: Rubric
    call_time: datetime


def parse_channel_map(value: Sequence[str] | str) -> tuple[Speaker, Speaker]:
    """``"customer,agent"`` or a list -> a checked two-speaker map.

    Raises:
        BadRequest: not two entries, or not one ``agent`` and one ``customer``.
    """
    items = (
        [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    )
    if sorted(items) != ["agent", "customer"]:
        raise BadRequest(
            "channels must name each stereo channel once, as agent and customer "
            f'(e.g. ["customer", "agent"]; on the CLI customer,agent), got {value!r}'
        )
    return (items[0], items[1])  # type: ignore[return-value]


class Pipeline:
    """Holds the shared, read-only parts: engine, rubrics, configuration."""

    def __init__(
        self,
        *,
        registry: RubricRegistry,
        asr: AsrConfig | None = None,
        scoring: ScoringConfig | None = None,
        tiers: TierConfig | None = None,
        engine: WhisperEngine | None = None,
        batch: BatchConfig | None = None,
        judge: Judge | None = None,
        allow_rubric_paths: bool = False,
    ) -> None:
        self.registry = registry
        self.asr_config = asr or AsrConfig()
        self.scoring = scoring or ScoringConfig()
        self.tiers = tiers or TierConfig()
        self.matcher = PhraseMatcher(self.scoring.phrase_threshold)
        self._engine = engine
        self._batch = batch
        self.judge = judge
        """Answers ``llm`` criteria; ``None`` leaves them ``na``."""
        self.allow_rubric_paths = allow_rubric_paths

    @property
    def engine(self) -> WhisperEngine:
        """The Whisper engine, loaded on first use when not given at start-up."""
        if self._engine is None:
            from coachloop.engines.asr import WhisperEngine

            self._engine = WhisperEngine(self.asr_config, self._batch)
        return self._engine

    def score(self, request: CallRequest) -> Document:
        """Score one call on its own (no history). Blocking: runs the model."""
        return self.score_call(request).document

    def coach(self, scored: ScoredCall, history: AgentHistory) -> Document:
        """Triage again with the agent's history and redraft the notes to match.

        Pure and fast; the store calls it in the transaction that saves the call,
        so the history it sees is exactly what was stored before this call.
        """
        doc = scored.document
        started = time.perf_counter()
        tier = triage(doc.scorecard, scored.call_time, self.tiers, history)
        repeated = repeated_misses(doc.scorecard, scored.call_time, self.tiers, history)
        notes = draft_notes(
            scored.rubric,
            doc.scorecard,
            tier,
            scored.call_time,
            doc.duration,
            self.scoring,
            self.tiers,
            repeated,
        )
        extra = time.perf_counter() - started
        timings = msgspec.structs.replace(
            doc.timings,
            scoring_s=round(doc.timings.scoring_s + extra, 4),
            total_s=round(doc.timings.total_s + extra, 4),
        )
        return msgspec.structs.replace(doc, tier=tier, notes=notes, timings=timings)

    def retriage(self, doc: Document, history: AgentHistory | None) -> Document:
        """Tier and notes again for a stored call whose scorecard changed (a
        person's verdict): same rules as :meth:`coach`. Notes for criteria
        that already have one are kept as they were."""
        rubric = self.registry.get(doc.scorecard.rubric_id)
        call_time = datetime.fromisoformat(doc.started_at)
        scored = ScoredCall(document=doc, rubric=rubric, call_time=call_time)
        redone = (
            self.coach(scored, history)
            if history is not None
            else msgspec.structs.replace(
                doc, tier=triage(doc.scorecard, call_time, self.tiers)
            )
        )
        kept = {n.criterion_id: n for n in doc.notes}
        notes = [kept.get(n.criterion_id, n) for n in redone.notes]
        notes += [
            n
            for n in doc.notes
            if n.criterion_id not in {x.criterion_id for x in notes}
        ]
        return msgspec.structs.replace(redone, notes=notes, timings=doc.timings)

    def check_answer(self, rubric_id: str, criterion_id: str, verdict: str) -> None:
        """A person's verdict must be one of the judged criterion's choices.

        Raises:
            BadRequest: the verdict is not among the criterion's choices.
        """
        try:
            rubric = self.registry.get(rubric_id)
        except CoachloopError:
            return  # the rubric left the registry; the store still checks state
        for _, crit in rubric.criteria():
            check = crit.check
            if crit.id != criterion_id or not isinstance(check, LlmCheck):
                continue
            if verdict not in check.choices:
                raise BadRequest(
                    f"verdict {verdict!r} is not one of {criterion_id}'s "
                    f"choices ({', '.join(check.choices)})"
                )

    def needs_judge(self, rubric: Rubric) -> bool:
        """Whether scoring with ``rubric`` calls the judge model (slow: the
        server runs those calls on threads of their own)."""
        return self.judge is not None and any(
            isinstance(crit.check, LlmCheck) for _, crit in rubric.criteria()
        )

    def voice(self, doc: Document) -> Document:
        """With a judge, the notes rewritten in a manager's voice (checked)."""
        if self.judge is None or not doc.notes:
            return doc
        notes, warnings = self.judge.rewrite_notes(doc.notes, doc.scorecard)
        return msgspec.structs.replace(
            doc, notes=notes, warnings=[*doc.warnings, *warnings]
        )

    def score_call(self, request: CallRequest) -> ScoredCall:
        """Score one call. Blocking (runs the model); adapters call it off-loop.

        The server runs the same three steps, with the ASR step shared across
        calls by the scheduler: :meth:`prepare`, transcription, :meth:`finish`.
        """
        prepared = self.prepare(request)
        results = [self.engine.transcribe_channel(s) for s in prepared.signals]
        return self.finish(prepared, results)

    def prepare(self, request: CallRequest) -> Prepared:
        """Check the request and decode its audio: everything before the model."""
        started = time.perf_counter()
        meta = request.metadata
        # Resolve the rubric first: a wrong id should not cost an ASR run.
        rubric = self.registry.get(meta.rubric, allow_path=self.allow_rubric_paths)
        channel_map = (
            parse_channel_map(meta.channels) if meta.channels else DEFAULT_CHANNELS
        )
        prepared = Prepared(
            request=request,
            rubric=rubric,
            call_time=normalize_call_time(meta.started_at),
            started=started,
        )
        if request.audio is not None:
            self._decode(prepared, request.audio, channel_map)
        elif request.transcript is None:
            raise BadRequest("a call needs audio or a transcript; neither was sent")
        else:
            # Validate now, so a bad transcript fails before any queueing.
            prepared.transcript = transcript_from_input(request.transcript)
        return prepared

    def finish(
        self,
        prepared: Prepared,
        results: Sequence[ChannelResult],
        voice: bool = True,
    ) -> ScoredCall:
        """Utterances, rubric, tier and notes from the channels' words."""
        meta = prepared.request.metadata
        warnings = prepared.warnings
        if prepared.transcript is not None:
            transcript = prepared.transcript
            roles = sorted({u.speaker for u in transcript.utterances})
            channels = Channels(mode="transcript", map=list(roles), channels=[])
            source = Source(kind="transcript")
            vad_s = asr_s = 0.0
            asr_options = None
        else:
            transcript, channels = self._from_words(prepared, results)
            source = prepared.source
            vad_s = sum(r.vad_s for r in results)
            asr_s = sum(r.asr_s for r in results)
            asr_options = self.engine.options()
        if not transcript.has_speech:
            warnings.append("no speech found: the call is unscorable")
        elif not transcript.has_roles:
            warnings.append(
                "speaker roles are unknown (mono): criteria that need roles are na"
            )
        # Rubric, tier and notes: pure functions of the transcript.
        scoring_started = time.perf_counter()
        call_time = prepared.call_time
        judged = None
        if self.judge is not None:
            judged = self.judge.judge(prepared.rubric, transcript, self.matcher)
        scorecard = score_transcript(prepared.rubric, transcript, self.matcher, judged)
        tier = triage(scorecard, call_time, self.tiers)
        notes = draft_notes(
            prepared.rubric,
            scorecard,
            tier,
            call_time,
            transcript.duration,
            self.scoring,
            self.tiers,
        )
        if voice and self.judge is not None and notes:
            notes, note_warnings = self.judge.rewrite_notes(notes, scorecard)
            warnings.extend(note_warnings)
        scoring_s = time.perf_counter() - scoring_started
        doc = Document(
            call_id=meta.call_id or uuid.uuid4().hex,
            agent_id=meta.agent_id,
            call_type=meta.call_type,
            started_at=call_time.isoformat(timespec="seconds"),
            duration=round(transcript.duration, 3),
            source=source,
            channels=channels,
            transcript=TranscriptOut(
                utterances=[
                    TranscriptUtterance(
                        id=u.id,
                        speaker=u.speaker,
                        start=u.start,
                        end=u.end,
                        text=u.text,
                    )
                    for u in transcript.utterances
                ]
            ),
            scorecard=scorecard,
            tier=tier,
            notes=notes,
            warnings=warnings,
            models=ModelsUsed(
                asr=asr_options,
                phrase_threshold=self.scoring.phrase_threshold,
                scorer="rules+judge" if self.judge is not None else "rules",
                judge=self.judge.model_info() if self.judge is not None else None,
            ),
            timings=Timings(
                decode_s=round(prepared.decode_s, 4),
                vad_s=round(vad_s, 4),
                asr_s=round(asr_s, 4),
                scoring_s=round(scoring_s, 4),
                total_s=round(time.perf_counter() - prepared.started, 4),
            ),
        )
        return ScoredCall(document=doc, rubric=prepared.rubric, call_time=call_time)

    def _decode(
        self,
        prepared: Prepared,
        data: bytes,
        channel_map: tuple[Speaker, Speaker],
    ) -> None:
        started = time.perf_counter()
        audio = decode_audio(data)
        prepared.decode_s = time.perf_counter() - started
        prepared.source = Source(
            kind="audio",
            container=audio.container,
            codec=audio.codec,
            sample_rate=audio.source_rate,
            bytes=len(data),
        )
        prepared.duration = audio.duration
        signals = audio.channels
        if len(signals) == 2 and channels_identical(
            signals[0], signals[1], self.asr_config.identical_channel_ratio
        ):
            prepared.warnings.append(
                "both channels carry the same audio (a mono call copied to stereo): "
                "transcribed once as mono, speaker roles unknown"
            )
            signals = [signals[0]]
        prepared.signals = signals
        prepared.speakers = list(channel_map) if len(signals) == 2 else ["unknown"]

    def _from_words(
        self, prepared: Prepared, results: Sequence[ChannelResult]
    ) -> tuple[Transcript, Channels]:
        speakers = prepared.speakers
        if len(results) != len(speakers):
            raise EngineError(
                f"got {len(results)} channel results for {len(speakers)} channels"
            )
        utterances = build_utterances(
            [(spk, r.words) for spk, r in zip(speakers, results, strict=True)],
            self.asr_config.utterance_gap_s,
        )
        transcript = Transcript(utterances=utterances, duration=prepared.duration)
        infos = [
            _channel_info(i, spk, r)
            for i, (spk, r) in enumerate(zip(speakers, results, strict=True))
        ]
        for info in infos:
            if info.coverage is not None and info.coverage < 0.5 and info.voiced_s >= 2:
                prepared.warnings.append(
                    f"channel {info.index} ({info.speaker}): only {info.coverage:.0%} "
                    f"of {info.voiced_s:.1f} s of voiced audio got words"
                )
        channels = Channels(
            mode="stereo" if len(results) == 2 else "mono",
            map=list(speakers),
            channels=infos,
        )
        return transcript, channels


def _channel_info(index: int, speaker: Speaker, result: ChannelResult) -> ChannelInfo:
    voiced = sum(end - start for start, end in result.voiced)
    worded = 0.0
    for v_start, v_end in result.voiced:
        # Pad each word a little: the gaps between words of one sentence are
        # heard speech too, and should not read as missed audio.
        covered = [
            (max(v_start, w.start - _WORD_PAD_S), min(v_end, w.end + _WORD_PAD_S))
            for w in result.words
            if w.end > v_start and w.start < v_end
        ]
        worded += _union_length(covered)
    return ChannelInfo(
        index=index,
        speaker=speaker,
        voiced_s=round(voiced, 2),
        worded_s=round(worded, 2),
        coverage=round(worded / voiced, 3) if voiced > 0 else None,
        words=len(result.words),
    )


def _union_length(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


EARLIEST_CALL = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
"""Clock skew allowed on a caller's ``started_at``; later is a typo, not a call."""


def normalize_call_time(
    started_at: datetime | None, now: datetime | None = None
) -> datetime:
    """The call's time in UTC, to the second (as stored and as history uses it).

    Raises:
        BadRequest: before 1990, or more than a day after ``now``: a mistyped
            year would otherwise sit in the agent's history and decide tiers
            and plan windows.
    """
    now = now or datetime.now(UTC)
    if started_at is None:
        return now.replace(microsecond=0)
    if started_at.tzinfo is None:
        # A naive time from a caller is taken as UTC rather than server-local.
        started_at = started_at.replace(tzinfo=UTC)
    value = started_at.astimezone(UTC).replace(microsecond=0)
    if value < EARLIEST_CALL or value > now + FUTURE_SLACK:
        raise BadRequest(
            f"started_at {started_at.isoformat()} is not a plausible call time: it "
            f"must be between {EARLIEST_CALL.date()} and a day from now "
            f"({(now + FUTURE_SLACK).isoformat(timespec='seconds')})"
        )
    return value
