"""Ask the judge every ``llm`` criterion of a call, and check each answer.

All of a call's questions go to the backend as one batch (they share the
transcript prefix). A reply that is cut off at its token budget, or fails a
check, is asked once more with a larger budget; a second failure makes the
criterion ``judge_error``, reported and never counted as met or missed. An
answer below the confidence threshold is ``needs_review``: the model's verdict
is kept, and a human decides.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Sequence
from typing import Literal

import msgspec

from coachloop.config import JudgeConfig
from coachloop.document import CriterionResult, JudgeModel, Note, Scorecard
from coachloop.errors import EngineError
from coachloop.judge._answer import Answer, InvalidAnswer, answer_schema, parse_answer
from coachloop.judge._backends import Backend, Request, create_backend
from coachloop.judge._notes import (
    allowed_times,
    check_rewrite,
    note_messages,
    note_schema,
    parse_rewrite,
)
from coachloop.judge._prompt import messages
from coachloop.rubrics import Rubric
from coachloop.rubrics._schema import Criterion, LlmCheck
from coachloop.scoring._facts import timing_facts
from coachloop.scoring._match import PhraseMatcher
from coachloop.transcript import Transcript

logger = logging.getLogger(__name__)

JudgedStatus = Literal["met", "missed", "na", "judge_error", "needs_review"]


@dataclasses.dataclass(frozen=True)
class Judged:
    status: JudgedStatus
    answer: Answer | None
    attempts: int
    error: str | None = None
    tokens: int = 0


class Judge:
    """Holds the backend (the resident model) and the settings; no call state."""

    def __init__(self, config: JudgeConfig, backend: Backend | None = None) -> None:
        self.config = config
        self.backend = backend if backend is not None else create_backend(config)
        if self.backend is None:
            raise ValueError("Judge needs a backend; backend 'none' means no Judge")
        self.tokens_generated = 0
        """Completion tokens over the judge's life, for throughput figures."""
        self.prompt_tokens = 0
        self.cached_tokens = 0
        """Prompt tokens read from the prefix cache (vllm) out of prompt_tokens."""
        self._count = threading.Lock()

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()

    def model_info(self) -> JudgeModel:
        c = self.config
        return JudgeModel(
            backend=c.backend,
            model=self.backend.model if self.backend else "",
            revision=c.revision,
            temperature=c.temperature,
            seed=c.seed,
            max_tokens=c.max_tokens,
            min_confidence=c.min_confidence,
        )

    def counters(self) -> dict[str, int]:
        """Token counts over the judge's life, for /healthz and benchmarks."""
        with self._count:
            return {
                "completion_tokens": self.tokens_generated,
                "prompt_tokens": self.prompt_tokens,
                "cached_prompt_tokens": self.cached_tokens,
            }

    def judge(
        self, rubric: Rubric, transcript: Transcript, matcher: PhraseMatcher
    ) -> dict[str, Judged]:
        """Criterion id -> outcome, for each ``llm`` criterion of ``rubric``."""
        asked = [
            crit for _, crit in rubric.criteria() if isinstance(crit.check, LlmCheck)
        ]
        if not asked or not transcript.has_speech:
            return {}
        started = time.perf_counter()
        facts: dict[float, list[str]] = {}
        prompts = {}
        for crit in asked:
            check = crit.check
            assert isinstance(check, LlmCheck)
            if check.first_s not in facts:
                facts[check.first_s] = timing_facts(transcript, matcher, check.first_s)
            prompts[crit.id] = messages(
                transcript, facts[check.first_s], crit.name, check
            )
        ids = [u.id for u in transcript.utterances]
        results: dict[str, Judged] = {}
        pending = list(asked)
        errors: dict[str, str] = {}
        attempt = 0
        for attempt, budget in enumerate(
            (self.config.max_tokens, self.config.retry_max_tokens), start=1
        ):
            if not pending:
                break
            try:
                replies = self._generate(
                    [
                        Request(prompts[c.id], answer_schema(_choices(c), ids), budget)
                        for c in pending
                    ]
                )
            except EngineError as exc:
                # The judge is unreachable or broke: these criteria are judge
                # errors (reported, not counted), not a failed call.
                for crit in pending:
                    errors[crit.id] = exc.message
                break
            still: list[Criterion] = []
            for crit, reply in zip(pending, replies, strict=True):
                try:
                    if reply.finish == "length":
                        raise InvalidAnswer(f"reply cut off at {budget} tokens")
                    answer = parse_answer(reply.text, transcript, _choices(crit))
                except InvalidAnswer as exc:
                    errors[crit.id] = str(exc)
                    still.append(crit)
                    continue
                status: JudgedStatus = answer.verdict  # type: ignore[assignment]
                if answer.confidence < self.config.min_confidence:
                    status = "needs_review"
                results[crit.id] = Judged(status, answer, attempt, None, reply.tokens)
            pending = still
        for crit in pending:
            results[crit.id] = Judged("judge_error", None, attempt, errors[crit.id])
        logger.info(
            "judged criteria=%d errors=%d review=%d ms=%.0f",
            len(asked),
            sum(r.status == "judge_error" for r in results.values()),
            sum(r.status == "needs_review" for r in results.values()),
            1000 * (time.perf_counter() - started),
        )
        return results

    def rewrite_notes(
        self, notes: Sequence[Note], scorecard: Scorecard
    ) -> tuple[list[Note], list[str]]:
        """Notes in a manager's voice where the rewrite cites only evidence;
        the template note otherwise, with a warning saying why."""
        if not notes:
            return [], []
        by_id = {c.id: c for c in scorecard.criteria}
        requests = [
            Request(
                note_messages(n, by_id[n.criterion_id]),
                note_schema(),
                self.config.retry_max_tokens,
            )
            for n in notes
        ]
        try:
            replies = self._generate(requests)
        except EngineError as exc:
            return list(notes), [
                f"notes kept as drafted: the judge failed ({exc.message})"
            ]
        out: list[Note] = []
        warnings: list[str] = []
        for note, reply in zip(notes, replies, strict=True):
            text = parse_rewrite(reply.text) if reply.finish == "stop" else None
            problem = (
                "the reply was cut off or not JSON"
                if text is None
                else check_rewrite(
                    text,
                    allowed_times(note, by_id[note.criterion_id]),
                    _points(by_id[note.criterion_id]),
                )
            )
            if problem is None and text is not None:
                out.append(msgspec.structs.replace(note, text=text, drafted_by="judge"))
            else:
                out.append(note)
                warnings.append(
                    f"note on {note.criterion_name} kept as drafted: the judge's "
                    f"rewrite was rejected ({problem})"
                )
        return out, warnings

    def _generate(self, requests: list[Request]) -> list:  # type: ignore[type-arg]
        assert self.backend is not None
        replies = self.backend.generate(requests)
        with self._count:
            self.tokens_generated += sum(r.tokens for r in replies)
            self.prompt_tokens += sum(r.prompt_tokens for r in replies)
            self.cached_tokens += sum(r.cached_tokens for r in replies)
        if len(replies) != len(requests):
            raise EngineError(
                f"judge backend returned {len(replies)} replies for {len(requests)}"
            )
        return replies


def _choices(crit: Criterion) -> list[str]:
    assert isinstance(crit.check, LlmCheck)
    return list(crit.check.choices)


def _points(result: CriterionResult) -> str:
    return f"{result.earned:g} of {result.possible:g}"
