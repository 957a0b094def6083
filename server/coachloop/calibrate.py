"""``coachloop calibrate LABELS``: how far to trust each criterion.

A QA lead labels a few dozen calls by hand; this scores them (rules, and the
judge when one is configured) and reports, per criterion, how often the
machine agreed with the humans and Cohen's kappa, which discounts the
agreement two raters would reach by chance. A question is worth trusting when
kappa is high (0.6 is "substantial"); until then, tune its wording.

Labels file (YAML), paths relative to it::

    rubric: customer-service          # an id or a YAML path
    calls:
      - transcript: calls/c1.json      # or audio: calls/c1.wav
        labels: {greeting: met, empathy: missed}
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec
import yaml

from coachloop.errors import BadRequest
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.scoring._scorecard import NO_JUDGE
from coachloop.transcript import TranscriptIn

Label = Literal["met", "missed", "na"]


class LabelledCall(msgspec.Struct, forbid_unknown_fields=True):
    labels: dict[str, Label]
    transcript: str | None = None
    audio: str | None = None


class LabelsFile(msgspec.Struct, forbid_unknown_fields=True):
    calls: list[LabelledCall]
    rubric: str = "customer-service"


@dataclasses.dataclass(frozen=True)
class CriterionAgreement:
    criterion_id: str
    scorer: str
    """``rules`` or ``judge``."""
    n: int
    agreement: float | None
    kappa: float | None
    undecided: int
    """Calls the machine left to a human (judge_error, needs_review), or
    every labelled call when no judge was configured (scorer ``none``)."""


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' labels; ``None`` when chance agreement is 1."""
    if len(a) != len(b):
        raise ValueError("both raters need the same calls")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def read_labels(path: Path) -> LabelsFile:
    try:
        raw = yaml.safe_load(path.read_text())
        return msgspec.convert(raw, LabelsFile)
    except OSError as exc:
        raise BadRequest(f"cannot read {path}: {exc.strerror}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise BadRequest(f"invalid labels file {path}: {exc}") from None


def calibrate(pipeline: Pipeline, path: Path) -> list[CriterionAgreement]:
    labels = read_labels(path)
    if not labels.calls or not any(c.labels for c in labels.calls):
        raise BadRequest(f"labels file {path} has no labelled calls")
    human: dict[str, list[str]] = {}
    machine: dict[str, list[str]] = {}
    undecided: Counter[str] = Counter()
    scorers: dict[str, str] = {}
    for i, call in enumerate(labels.calls):
        doc = pipeline.score(_request(call, path.parent, labels.rubric, i))
        known = {c.id for c in doc.scorecard.criteria}
        unknown = sorted(set(call.labels) - known)
        if unknown:
            raise BadRequest(
                f"labels call {i}: no criterion {', '.join(unknown)} in rubric "
                f"{doc.scorecard.rubric_id} (it has {', '.join(sorted(known))})"
            )
        for crit in doc.scorecard.criteria:
            if crit.id not in call.labels:
                continue
            if crit.summary == NO_JUDGE:
                # Nothing to compare: the judge was not configured (--judge).
                scorers[crit.id] = "none"
                undecided[crit.id] += 1
                continue
            scorers[crit.id] = "judge" if crit.judge is not None else "rules"
            if crit.status in ("judge_error", "needs_review"):
                undecided[crit.id] += 1
                continue
            status = "missed" if crit.status == "partial" else crit.status
            human.setdefault(crit.id, []).append(call.labels[crit.id])
            machine.setdefault(crit.id, []).append(status)
    out = []
    for crit_id in sorted(set(human) | set(undecided)):
        a, b = human.get(crit_id, []), machine.get(crit_id, [])
        kappa = cohen_kappa(a, b)
        agreement = (
            sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a else None
        )
        out.append(
            CriterionAgreement(
                criterion_id=crit_id,
                scorer=scorers.get(crit_id, "rules"),
                n=len(a),
                agreement=round(agreement, 3) if agreement is not None else None,
                kappa=round(kappa, 3) if kappa is not None else None,
                undecided=undecided[crit_id],
            )
        )
    return out


def render(rows: Sequence[CriterionAgreement]) -> str:
    lines = [
        f"{'criterion':<28}{'scorer':<8}{'calls':>6}{'agree':>7}{'kappa':>7}{'left':>6}"
    ]
    for r in rows:
        agree = "-" if r.agreement is None else f"{r.agreement:.0%}"
        kappa = "-" if r.kappa is None else f"{r.kappa:.2f}"
        lines.append(
            f"{r.criterion_id:<28}{r.scorer:<8}{r.n:>6}{agree:>7}{kappa:>7}{r.undecided:>6}"
        )
    return "\n".join(lines)


def _request(call: LabelledCall, base: Path, rubric: str, i: int) -> CallRequest:
    meta = CallMetadata(call_id=f"label-{i}", rubric=rubric)
    if (call.transcript is None) == (call.audio is None):
        raise BadRequest(f"labels call {i}: give exactly one of transcript or audio")
    source = base / (call.transcript or call.audio or "")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise BadRequest(
            f"labels call {i}: cannot read {source}: {exc.strerror}"
        ) from None
    if call.audio is not None:
        return CallRequest(metadata=meta, audio=data)
    try:
        transcript: Any = msgspec.json.decode(data, type=TranscriptIn)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BadRequest(
            f"labels call {i}: invalid transcript {source}: {exc}"
        ) from None
    return CallRequest(metadata=meta, transcript=transcript)
