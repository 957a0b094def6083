from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import msgspec

from coachloop.document import CriterionResult, Evidence, JudgeDetail, Scorecard, Status
from coachloop.rubrics import Rubric
from coachloop.rubrics._schema import LlmCheck
from coachloop.scoring._checks import Context, run_check
from coachloop.scoring._match import PhraseMatcher
from coachloop.timefmt import mmss
from coachloop.transcript import Transcript

if TYPE_CHECKING:
    from coachloop.judge import Judged

NO_SPEECH = "no speech in the call: nothing to judge"
NO_JUDGE = "no judge configured"
UNDECIDED = frozenset({"na", "judge_error", "needs_review"})
AWAITING = frozenset({"judge_error", "needs_review"})
"""Judged criteria that wait for a person's verdict."""
"""Statuses that put no points at stake."""


def score_transcript(
    rubric: Rubric,
    transcript: Transcript,
    matcher: PhraseMatcher,
    judged: Mapping[str, Judged] | None = None,
) -> Scorecard:
    """Judge every criterion of ``rubric`` and total the points.

    Score = earned / possible x 100 over the criteria that apply; a missed
    auto-fail criterion makes it 0. A call without speech is ``unscorable``
    and every criterion is ``na``, so nothing fails for lack of evidence.
    """
    speech = transcript.has_speech
    results: list[CriterionResult] = []
    for category, crit in rubric.criteria():
        detail = None
        if not speech:
            status, fraction, summary, evidence = "na", 0.0, NO_SPEECH, []
        elif isinstance(crit.check, LlmCheck):
            status, fraction, summary, evidence, detail = _from_judge(judged, crit.id)
        else:
            ctx = Context(transcript, matcher, crit.name.lower())
            outcome = run_check(crit.check, ctx, crit.points)
            status, fraction = outcome.status, outcome.fraction
            summary, evidence = outcome.summary, outcome.evidence
        applies = status not in UNDECIDED
        results.append(
            CriterionResult(
                id=crit.id,
                name=crit.name,
                category=category.id,
                status=status,
                earned=round(crit.points * fraction, 2) if applies else 0.0,
                possible=crit.points if applies else 0.0,
                points=crit.points,
                auto_fail=crit.auto_fail,
                summary=summary,
                evidence=evidence,
                judge=detail,
            )
        )
    earned = round(sum(r.earned for r in results), 2)
    possible = round(sum(r.possible for r in results), 2)
    auto_fail = any(r.auto_fail and r.status == "missed" for r in results)
    if not speech or possible == 0:
        score = None
    else:
        score = 0.0 if auto_fail else round(100 * earned / possible, 1)
    return Scorecard(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_name=rubric.name,
        status="scored" if score is not None else "unscorable",
        score=score,
        threshold=rubric.threshold,
        below_threshold=score is not None and score < rubric.threshold,
        auto_fail=auto_fail,
        earned=earned,
        possible=possible,
        criteria=results,
        needs_review=any(r.status in AWAITING for r in results),
    )


def _from_judge(
    judged: Mapping[str, Judged] | None, crit_id: str
) -> tuple[Status, float, str, list[Evidence], JudgeDetail | None]:
    if judged is None:
        return "na", 0.0, NO_JUDGE, [], None
    result = judged.get(crit_id)
    if result is None:
        return "na", 0.0, "the judge was not asked (no speech)", [], None
    if result.answer is None:
        detail = JudgeDetail(
            verdict=None,
            confidence=None,
            rationale=None,
            attempts=result.attempts,
            error=result.error,
        )
        return "judge_error", 0.0, f"judge error: {result.error}", [], detail
    answer = result.answer
    detail = JudgeDetail(
        verdict=answer.verdict,
        confidence=round(answer.confidence, 3),
        rationale=answer.rationale,
        attempts=result.attempts,
    )
    evidence = [
        Evidence(
            start=c.start,
            end=c.end,
            speaker=c.speaker,
            quote=c.quote,
            reason=f"judge cites {c.utterance_id} at {mmss(c.start)}",
            utterance_ids=[c.utterance_id],
        )
        for c in answer.evidence
    ]
    if result.status == "needs_review":
        summary = (
            f"needs review: the judge said {answer.verdict} with confidence "
            f"{answer.confidence:.2f}: {answer.rationale}"
        )
        return "needs_review", 0.0, summary, evidence, detail
    fraction = 1.0 if result.status == "met" else 0.0
    return result.status, fraction, answer.rationale, evidence, detail


def rescore(card: Scorecard, results: list[CriterionResult]) -> Scorecard:
    """The scorecard's totals again after some criteria changed (a person's
    verdict on a judged criterion), by the same rules as :func:`score_transcript`."""
    earned = round(sum(r.earned for r in results), 2)
    possible = round(sum(r.possible for r in results), 2)
    auto_fail = any(r.auto_fail and r.status == "missed" for r in results)
    score = None
    if card.status == "scored" and possible > 0:
        score = 0.0 if auto_fail else round(100 * earned / possible, 1)
    return msgspec.structs.replace(
        card,
        criteria=results,
        earned=earned,
        possible=possible,
        auto_fail=auto_fail,
        score=score,
        below_threshold=score is not None and score < card.threshold,
        needs_review=any(r.status in AWAITING for r in results),
    )
