from __future__ import annotations

from coachloop.document import CriterionResult, Scorecard
from coachloop.rubrics import Rubric
from coachloop.scoring._checks import Context, run_check
from coachloop.scoring._match import PhraseMatcher
from coachloop.transcript import Transcript

NO_SPEECH = "no speech in the call: nothing to judge"


def score_transcript(
    rubric: Rubric, transcript: Transcript, matcher: PhraseMatcher
) -> Scorecard:
    """Judge every criterion of ``rubric`` and total the points.

    Score = earned / possible x 100 over the criteria that apply; a missed
    auto-fail criterion makes it 0. A call without speech is ``unscorable``
    and every criterion is ``na``, so nothing fails for lack of evidence.
    """
    speech = transcript.has_speech
    results: list[CriterionResult] = []
    for category, crit in rubric.criteria():
        if speech:
            ctx = Context(transcript, matcher, crit.name.lower())
            outcome = run_check(crit.check, ctx, crit.points)
            status, fraction = outcome.status, outcome.fraction
            summary, evidence = outcome.summary, outcome.evidence
        else:
            status, fraction, summary, evidence = "na", 0.0, NO_SPEECH, []
        applies = status != "na"
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
    )
