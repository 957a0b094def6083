"""One function per check kind: transcript in, verdict and evidence out.

Checks never fail a criterion for want of evidence they cannot have: a check
that needs speaker roles on a mono call, or that finds nothing to judge
(no frustration voiced, no account details discussed), returns ``na`` with
the reason.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence

from coachloop.document import Evidence, Status
from coachloop.rubrics import (
    Check,
    DeadAirCheck,
    EmpathyCheck,
    ForbiddenCheck,
    InterruptionsCheck,
    OrderCheck,
    PhraseCheck,
    TalkShareCheck,
    Within,
)
from coachloop.scoring._match import Hit, PhraseMatcher
from coachloop.timefmt import mmss, span
from coachloop.transcript import Transcript, Utterance

NO_ROLES = (
    "mono recording: speaker roles are unknown, so who said what cannot be judged"
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    status: Status
    fraction: float
    """Share of the points earned, 0..1."""
    summary: str
    evidence: list[Evidence]


@dataclasses.dataclass(frozen=True)
class Context:
    transcript: Transcript
    matcher: PhraseMatcher
    label: str
    """The criterion's name in lower case, for messages ("no greeting")."""


def run_check(check: Check, ctx: Context, points: float) -> Outcome:
    point_runner = POINT_CHECKS.get(type(check))
    if point_runner is not None:
        return point_runner(check, ctx, points)
    return _RUNNERS[type(check)](check, ctx)


def _na(reason: str) -> Outcome:
    return Outcome("na", 0.0, reason, [])


def _speech(ctx: Context, role: str) -> list[Utterance]:
    utts = ctx.transcript.utterances
    return list(utts) if role == "any" else [u for u in utts if u.speaker == role]


def _window(within: Within | None, duration: float) -> tuple[float, float, str]:
    if within is None:
        return 0.0, duration, f"{mmss(0)}-{mmss(duration)}"
    if within.first_s is not None:
        end = min(within.first_s, duration)
        return 0.0, end, span(0, end)
    assert within.last_s is not None
    start = max(0.0, duration - within.last_s)
    return start, duration, span(start, duration)


def _in_window(utts: Sequence[Utterance], start: float, end: float) -> list[Utterance]:
    # An utterance counts when it starts inside the window: a disclosure that
    # begins at 0:28 was given "in the first 30 seconds".
    return [u for u in utts if start <= u.start < end or (u.start < start < u.end)]


def _who(role: str) -> str:
    return "all speech" if role == "any" else f"{role} speech"


def _hit_evidence(hit: Hit, reason: str) -> Evidence:
    return Evidence(
        start=hit.start,
        end=hit.end,
        speaker=hit.utterances[0].speaker,
        quote=" ".join(u.text for u in hit.utterances),
        reason=reason,
        utterance_ids=[u.id for u in hit.utterances],
    )


def _utt_evidence(utt: Utterance, reason: str) -> Evidence:
    return Evidence(
        start=utt.start,
        end=utt.end,
        speaker=utt.speaker,
        quote=utt.text,
        reason=reason,
        utterance_ids=[utt.id],
    )


def _merged_hits(hits: Sequence[Hit]) -> list[Evidence]:
    """One evidence item per utterance span, naming every phrase found in it."""
    by_span: dict[tuple[str, ...], list[Hit]] = {}
    for hit in hits:
        group = by_span.setdefault(tuple(u.id for u in hit.utterances), [])
        if all(h.phrase != hit.phrase for h in group):
            group.append(hit)
    return [
        _hit_evidence(
            group[0],
            "said "
            + " and ".join(f"'{h.phrase}' ({h.similarity:.0f}%)" for h in group)
            + f" at {mmss(group[0].start)}",
        )
        for group in by_span.values()
    ]


def _searched(start: float, end: float, role: str, what: str) -> Evidence:
    return Evidence(
        start=start,
        end=end,
        speaker=None if role == "any" else role,
        quote=None,
        reason=f"searched {_who(role)} {span(start, end)}: {what}",
    )


def _quoted(phrases: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(f"'{p}'" for p in phrases[:limit])
    return shown + (", ..." if len(phrases) > limit else "")


def _needs_roles(role: str, ctx: Context) -> bool:
    return role != "any" and not ctx.transcript.has_roles


def check_phrase(check: PhraseCheck, ctx: Context) -> Outcome:
    if _needs_roles(check.speaker, ctx):
        return _na(NO_ROLES)
    speech = _speech(ctx, check.speaker)
    start, end, where = _window(check.within, ctx.transcript.duration)
    candidates = _in_window(speech, start, end)
    groups = ([check.any_of] if check.any_of else []) + list(check.all_of)
    found: list[Hit] = []
    missing: list[Sequence[str]] = []
    for group in groups:
        hit = ctx.matcher.first(group, candidates, check.min_similarity)
        if hit is None:
            missing.append(group)
        else:
            found.append(hit)
    evidence = _merged_hits(found)
    if not missing:
        return Outcome("met", 1.0, f"{ctx.label} at {mmss(found[0].start)}", evidence)
    what = "; ".join(f"none of {_quoted(g)}" for g in missing)
    evidence.append(_searched(start, end, check.speaker, f"no {ctx.label} ({what})"))
    if check.within is not None:
        # Said outside the window still misses, but the reviewer should see when.
        for group in missing:
            late = ctx.matcher.first(group, speech, check.min_similarity)
            if late is not None:
                evidence.append(
                    _hit_evidence(
                        late,
                        f"said '{late.phrase}' at {mmss(late.start)}, "
                        f"outside the required window {where}",
                    )
                )
    return Outcome("missed", 0.0, f"no {ctx.label} in {where}", evidence)


def check_forbidden(check: ForbiddenCheck, ctx: Context) -> Outcome:
    if _needs_roles(check.speaker, ctx):
        return _na(NO_ROLES)
    start, end, where = _window(check.within, ctx.transcript.duration)
    candidates = _in_window(_speech(ctx, check.speaker), start, end)
    hits = ctx.matcher.find(check.any_of, candidates, check.min_similarity)
    if not hits:
        return Outcome(
            "met",
            1.0,
            f"nothing forbidden said in {where}",
            [_searched(start, end, check.speaker, f"none of {_quoted(check.any_of)}")],
        )
    evidence = [
        _hit_evidence(h, f"said '{h.phrase}' at {mmss(h.start)} ({h.similarity:.0f}%)")
        for h in hits
    ]
    times = ", ".join(mmss(h.start) for h in hits)
    return Outcome("missed", 0.0, f"{ctx.label}: said at {times}", evidence)


def check_order(check: OrderCheck, ctx: Context) -> Outcome:
    if _needs_roles(check.speaker, ctx):
        return _na(NO_ROLES)
    speech = _speech(ctx, check.speaker)
    later = ctx.matcher.first(check.then, speech, check.min_similarity)
    if later is None:
        return _na(
            f"searched {_who(check.speaker)} {span(0, ctx.transcript.duration)}: "
            f"none of {_quoted(check.then)}, so there was nothing to do it before"
        )
    earlier = ctx.matcher.first(check.first, speech, check.min_similarity)
    then_ev = _hit_evidence(later, f"'{later.phrase}' at {mmss(later.start)}")
    if earlier is not None and earlier.start <= later.start:
        first_ev = _hit_evidence(
            earlier, f"'{earlier.phrase}' at {mmss(earlier.start)}, first"
        )
        return Outcome(
            "met",
            1.0,
            f"{mmss(earlier.start)} before {mmss(later.start)}",
            [first_ev, then_ev],
        )
    evidence = [
        _searched(
            0.0,
            later.start,
            check.speaker,
            f"none of {_quoted(check.first)} before {mmss(later.start)}",
        ),
        then_ev,
    ]
    if earlier is not None:
        evidence.append(
            _hit_evidence(
                earlier, f"'{earlier.phrase}' only at {mmss(earlier.start)}, too late"
            )
        )
    summary = f"'{later.phrase}' at {mmss(later.start)} came first"
    return Outcome("missed", 0.0, summary, evidence)


def check_empathy(check: EmpathyCheck, ctx: Context) -> Outcome:
    if not ctx.transcript.has_roles:
        return _na(NO_ROLES)
    utts = ctx.transcript.utterances
    customer = [u for u in utts if u.speaker == "customer"]
    agent = [u for u in utts if u.speaker == "agent"]
    triggers = [
        (utt, hit)
        for utt in customer
        if (hit := ctx.matcher.first(check.frustration, [utt], check.min_similarity))
    ]
    if not triggers:
        return _na(
            f"searched customer speech {span(0, ctx.transcript.duration)}: "
            "no frustration voiced"
        )
    evidence: list[Evidence] = []
    acknowledged = 0
    for utt, hit in triggers:
        evidence.append(
            _utt_evidence(
                utt, f"customer frustration at {mmss(utt.start)} ('{hit.phrase}')"
            )
        )
        replies = [a for a in agent if a.start > utt.start][: check.within_turns]
        ack = ctx.matcher.first(check.acknowledgement, replies, check.min_similarity)
        if ack is not None:
            acknowledged += 1
            evidence.append(
                _hit_evidence(
                    ack, f"acknowledged at {mmss(ack.start)} ('{ack.phrase}')"
                )
            )
        elif replies:
            evidence.append(
                _searched(
                    replies[0].start,
                    replies[-1].end,
                    "agent",
                    f"no acknowledgement in the next {len(replies)} agent turn(s)",
                )
            )
        else:
            evidence.append(
                _searched(
                    utt.end,
                    ctx.transcript.duration,
                    "agent",
                    "the agent did not speak again",
                )
            )
    total = len(triggers)
    fraction = acknowledged / total
    status: Status = (
        "met" if acknowledged == total else "missed" if acknowledged == 0 else "partial"
    )
    return Outcome(
        status,
        fraction,
        f"{acknowledged} of {total} frustrations acknowledged",
        evidence,
    )


def _deducted(
    count: int, max_allowed: int, deduct_per: float | None, points: float
) -> tuple[Status, float]:
    over = max(0, count - max_allowed)
    if over == 0:
        return "met", 1.0
    if deduct_per is None:
        return "missed", 0.0
    earned = max(0.0, points - deduct_per * over)
    return ("partial" if earned > 0 else "missed"), earned / points


def check_interruptions(
    check: InterruptionsCheck, ctx: Context, points: float
) -> Outcome:
    if not ctx.transcript.has_roles:
        return _na(NO_ROLES)
    utts = ctx.transcript.utterances
    customer = [u for u in utts if u.speaker == "customer"]
    if not customer:
        return _na("the customer did not speak, so the agent could not interrupt")
    evidence: list[Evidence] = []
    for agent_utt in (u for u in utts if u.speaker == "agent"):
        for cust in customer:
            if not cust.start < agent_utt.start < cust.end:
                continue
            overlap = min(agent_utt.end, cust.end) - agent_utt.start
            if overlap >= check.min_overlap_s:
                evidence.append(
                    Evidence(
                        start=agent_utt.start,
                        end=min(agent_utt.end, cust.end),
                        speaker="agent",
                        quote=agent_utt.text,
                        reason=(
                            f"agent started at {mmss(agent_utt.start)} while the "
                            f"customer was speaking ({span(cust.start, cust.end)}), "
                            f"{overlap:.1f} s of overtalk"
                        ),
                        utterance_ids=[agent_utt.id, cust.id],
                    )
                )
                break
    status, fraction = _deducted(
        len(evidence), check.max_allowed, check.deduct_per, points
    )
    if not evidence:
        evidence.append(
            _searched(
                0.0,
                ctx.transcript.duration,
                "agent",
                f"no interruption of {check.min_overlap_s:g} s or more "
                f"across {len(customer)} customer turn(s)",
            )
        )
        return Outcome(status, fraction, "no interruptions", evidence)
    times = ", ".join(mmss(e.start) for e in evidence)
    return Outcome(
        status,
        fraction,
        f"{len(evidence)} interruption(s) at {times} ({check.max_allowed} allowed)",
        evidence,
    )


def _union(utts: Sequence[Utterance]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for u in sorted(utts, key=lambda u: u.start):
        if merged and u.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], u.end))
        else:
            merged.append((u.start, u.end))
    return merged


def check_dead_air(check: DeadAirCheck, ctx: Context, points: float) -> Outcome:
    utts = [u for u in ctx.transcript.utterances if u.text]
    speech = _union(utts)
    announcers = (
        [u for u in utts if u.speaker == "agent"] if ctx.transcript.has_roles else utts
    )
    holds = ctx.matcher.find(check.hold_phrases, announcers)
    resumes = ctx.matcher.find(check.resume_phrases, announcers)
    dead: list[Evidence] = []
    held: list[Evidence] = []
    used: set[int] = set()
    for (_, gap_start), (gap_end, _) in itertools.pairwise(speech):
        length = gap_end - gap_start
        if length < check.min_s:
            continue
        # One announcement covers one hold: the next long silence after it.
        announced = [
            h
            for h in holds
            if h.start <= gap_start
            and h.end >= gap_start - check.hold_lookback_s
            and id(h) not in used
        ]
        resumed = [
            h for h in resumes if gap_end <= h.start <= gap_end + check.hold_lookback_s
        ]
        gap = span(gap_start, gap_end)
        if announced or resumed:
            h, when = (
                (announced[-1], "announced") if announced else (resumed[0], "closed")
            )
            used.add(id(h))
            held.append(
                Evidence(
                    start=gap_start,
                    end=gap_end,
                    speaker=None,
                    quote=None,
                    reason=(
                        f"hold {gap} ({length:.1f} s), {when} at {mmss(h.start)} "
                        f"('{h.phrase}'): not dead air"
                    ),
                    utterance_ids=[u.id for u in h.utterances],
                )
            )
        else:
            dead.append(
                Evidence(
                    start=gap_start,
                    end=gap_end,
                    speaker=None,
                    quote=None,
                    reason=f"dead air {gap} ({length:.1f} s), no hold announced",
                )
            )
    status, fraction = _deducted(len(dead), check.max_allowed, check.deduct_per, points)
    if not dead:
        searched = _searched(
            0.0,
            ctx.transcript.duration,
            "any",
            f"no silence of {check.min_s:g} s or more without an announced hold",
        )
        summary = "no dead air" + (f", {len(held)} announced hold(s)" if held else "")
        return Outcome(status, fraction, summary, [searched, *held])
    times = ", ".join(span(e.start, e.end) for e in dead)
    return Outcome(
        status, fraction, f"{len(dead)} stretch(es) of dead air: {times}", dead + held
    )


def check_talk_share(check: TalkShareCheck, ctx: Context) -> Outcome:
    if not ctx.transcript.has_roles:
        return _na(NO_ROLES)
    utts = ctx.transcript.utterances
    agent = sum(e - s for s, e in _union([u for u in utts if u.speaker == "agent"]))
    customer = sum(
        e - s for s, e in _union([u for u in utts if u.speaker == "customer"])
    )
    if agent + customer <= 0:
        return _na("no talk time to share")
    share = agent / (agent + customer)
    allowed = f"{check.min:.0%}-{check.max:.0%}"
    evidence = [
        Evidence(
            start=0.0,
            end=ctx.transcript.duration,
            speaker="agent",
            quote=None,
            reason=(
                f"agent talked {agent:.1f} s, customer {customer:.1f} s: agent share "
                f"{share:.0%} (allowed {allowed})"
            ),
        )
    ]
    ok = check.min <= share <= check.max
    return Outcome(
        "met" if ok else "missed",
        1.0 if ok else 0.0,
        f"agent share {share:.0%} (allowed {allowed})",
        evidence,
    )


_RUNNERS: dict[type, Callable[..., Outcome]] = {
    PhraseCheck: check_phrase,
    ForbiddenCheck: check_forbidden,
    OrderCheck: check_order,
    EmpathyCheck: check_empathy,
    TalkShareCheck: check_talk_share,
}
POINT_CHECKS: dict[type, Callable[..., Outcome]] = {
    InterruptionsCheck: check_interruptions,
    DeadAirCheck: check_dead_air,
}
"""Checks with partial credit, which need the criterion's points."""
