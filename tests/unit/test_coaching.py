"""Note lifecycle, intervals, and plan verdicts on hand-computed series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from coachloop.coaching import (
    ALLOWED,
    CriterionCall,
    TargetSpec,
    WindowSpec,
    baseline_calls,
    check_transition,
    evaluate,
    rate_difference,
    suggest,
    wilson,
)
from coachloop.config import PlanConfig
from coachloop.errors import Conflict

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONFIG = PlanConfig()
STATES = ("draft", "approved", "sent", "acknowledged", "dismissed")


# -- lifecycle ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        ("draft", "approve", "approved"),
        ("draft", "edit", "draft"),
        ("draft", "dismiss", "dismissed"),
        ("approved", "edit", "approved"),
        ("approved", "send", "sent"),
        ("approved", "dismiss", "dismissed"),
        ("sent", "acknowledge", "acknowledged"),
    ],
)
def test_legal_transitions(state, action, after):
    assert check_transition("n1", state, action) == after


ILLEGAL = [
    (state, action)
    for action in ALLOWED
    for state in STATES
    if state not in ALLOWED[action]
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_illegal_transition_is_a_conflict_naming_the_state(state, action):
    with pytest.raises(Conflict) as info:
        check_transition("n1", state, action)
    assert info.value.http_status == 409
    assert info.value.details["state"] == state
    assert f"note n1 is {state}" in info.value.message


def test_there_are_eighteen_illegal_transitions():
    # 5 actions x 5 states = 25, of which 7 are legal.
    assert len(ILLEGAL) == 18


# -- intervals ---------------------------------------------------------------


def test_wilson_matches_published_values():
    # Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662; 0/10 -> 0 to 0.2775.
    lo, hi = wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = wilson(0, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.0, 0.2775)
    assert wilson(0, 0) == (0.0, 1.0)


def test_newcombe_difference_matches_the_published_example():
    # Newcombe (1998), method 10, 56/70 vs 48/80: 0.2000 (0.0524 to 0.3339).
    d, (lo, hi) = rate_difference(56, 70, 48, 80)
    assert round(d, 4) == 0.2
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


# -- plans -------------------------------------------------------------------


def row(day: float, status: str, *, agent="a1", kind="billing", earned=None):
    possible = 15.0
    if earned is None:
        earned = possible if status == "met" else 0.0
    return CriterionCall(
        call_id=f"{agent}-{day}",
        agent_id=agent,
        criterion_id="empathy",
        started_at=START + timedelta(days=day),
        call_type=kind,
        status=status,
        earned=earned,
        possible=possible,
    )


def run(baseline, after, *, peers=(), window=None, target=None, as_of=None):
    window = window or WindowSpec(starts_at=START, calls=5, days=None)
    target = target or TargetSpec(met_rate=0.8, gain=None)
    as_of = as_of or max([c.started_at for c in after] or [START])
    return evaluate(
        criterion_id="empathy",
        criterion_name="Empathy",
        baseline=baseline,
        agent_calls=[*baseline, *after],
        peer_calls=list(peers),
        peer_agents=1 if peers else 0,
        window=window,
        target=target,
        as_of=as_of,
        config=CONFIG,
    )


BASELINE = [row(-10 + i, "met" if i < 3 else "missed") for i in range(10)]
"""3 of 10 met before coaching."""


def test_effective_plan_on_a_hand_computed_series():
    after = [
        row(d, s)
        for d, s in [(0.5, "met"), (1, "met"), (2, "missed"), (3, "met"), (4, "met")]
    ]
    outcome, adjust = run(BASELINE, after)
    assert outcome.status == "closed"
    assert outcome.verdict == "effective"  # 4 of 5 = 0.8 reaches the target
    assert (outcome.baseline.n, outcome.baseline.met) == (10, 3)
    assert outcome.baseline.met_rate == 0.3
    assert (outcome.window.n, outcome.window.met) == (5, 4)
    assert outcome.difference == 0.5
    lo, hi = outcome.difference_interval
    _d, (elo, ehi) = rate_difference(4, 5, 3, 10)
    assert (lo, hi) == (round(elo, 4), round(ehi, 4))
    assert lo < 0.5 < hi
    assert [p.call_id for p in outcome.series] == [c.call_id for c in after]
    assert outcome.percent_change == 50.0
    assert not adjust


def test_not_effective_when_the_rate_stays_below_target():
    after = [
        row(d, s)
        for d, s in [(1, "met"), (2, "missed"), (3, "met"), (4, "missed"), (5, "met")]
    ]
    outcome, _ = run(BASELINE, after)
    assert outcome.verdict == "not_effective"  # 3 of 5 = 0.6 < 0.8
    assert outcome.difference == 0.3


def test_open_until_the_window_fills_and_only_the_first_n_calls_count():
    after = [row(d, "met") for d in (1, 2, 3, 4)]
    outcome, _ = run(BASELINE, after)
    assert outcome.status == "open" and outcome.verdict is None
    more = [*after, row(5, "missed"), row(6, "missed")]
    outcome, _ = run(BASELINE, more)
    assert outcome.window.n == 5 and outcome.window.met == 4
    assert outcome.verdict == "effective"


def test_na_calls_are_not_judged_and_do_not_fill_the_window():
    after = [row(d, "met") for d in (1, 2, 3, 4)] + [row(5, "na", earned=0.0)]
    outcome, _ = run(BASELINE, after)
    assert outcome.window.n == 4 and outcome.status == "open"


def test_days_window_with_too_few_calls_is_insufficient_data():
    window = WindowSpec(starts_at=START, calls=None, days=14)
    after = [row(d, "met") for d in (1, 2, 3, 4)]
    outcome, _ = run(BASELINE, after, window=window, as_of=START + timedelta(days=14))
    assert outcome.status == "closed"
    assert outcome.verdict == "insufficient_data"
    outcome, _ = run(BASELINE, after, window=window, as_of=START + timedelta(days=13))
    assert outcome.status == "open"


def test_gain_target_compares_mean_percent_with_the_baseline():
    target = TargetSpec(met_rate=None, gain=15.0)
    base = [row(-5 + i, "partial", earned=7.5) for i in range(5)]  # 50 %
    after = [row(d, "partial", earned=9.75) for d in (1, 2, 3, 4, 5)]  # 65 %
    outcome, _ = run(base, after, target=target)
    assert outcome.percent_change == 15.0
    assert outcome.verdict == "effective"
    after = [row(d, "partial", earned=9.6) for d in (1, 2, 3, 4, 5)]  # 64 %
    outcome, _ = run(base, after, target=target)
    assert outcome.verdict == "not_effective"
    outcome, _ = run([], after, target=target)
    assert outcome.verdict == "insufficient_data"


def test_adjust_the_approach_after_14_days_without_improvement():
    window = WindowSpec(starts_at=START, calls=10, days=None)
    after = [row(d, "missed") for d in (2, 6, 10, 14)]
    outcome, adjust = run(BASELINE, after, window=window)
    assert adjust and outcome.adjust_flagged and outcome.status == "open"
    early = [row(d, "missed") for d in (2, 6, 10, 13.9)]
    _, adjust = run(BASELINE, early, window=window)
    assert not adjust
    improving = [row(d, s) for d, s in [(2, "met"), (6, "met"), (14, "missed")]]
    _, adjust = run(BASELINE, improving, window=window)
    assert not adjust  # 2 of 3 beats the baseline's 3 of 10


def test_peers_and_call_mix_are_reported_over_the_same_periods():
    after = [
        row(d, "met", kind="sales" if d > 2 else "billing") for d in (1, 2, 3, 4, 5)
    ]
    peers = [
        row(-8, "missed", agent="p1"),
        row(-3, "met", agent="p1"),
        row(2, "met", agent="p1"),
        row(4, "met", agent="p1"),
        row(-30, "met", agent="p1"),  # before the baseline period: left out
    ]
    outcome, _ = run(BASELINE, after, peers=peers)
    assert (outcome.peers.baseline.n, outcome.peers.baseline.met) == (2, 1)
    assert (outcome.peers.window.n, outcome.peers.window.met) == (2, 2)
    assert outcome.peers.change == 0.5
    assert outcome.difference == 0.7
    assert outcome.adjusted_difference == 0.2
    assert outcome.call_mix.baseline == {"billing": 1.0}
    assert outcome.call_mix.window == {"billing": 0.4, "sales": 0.6}
    assert outcome.call_mix.shift == 0.6
    assert outcome.call_mix.changed


def test_baseline_is_the_last_n_judged_calls_before_the_start():
    calls = [row(-20 + i, "met") for i in range(15)] + [row(1, "missed")]
    base = baseline_calls(calls, START, 10)
    assert len(base) == 10
    assert base[0].call_id == "a1--15" and base[-1].call_id == "a1--6"


def test_suggestion_ranks_compliance_first_then_weighted_gap():
    def r(crit, status, lost, *, auto_fail=False, i=0):
        return CriterionCall(
            call_id=f"c{i}",
            agent_id="a1",
            criterion_id=crit,
            started_at=START + timedelta(days=i),
            call_type=None,
            status=status,
            earned=20 - lost,
            possible=20,
            auto_fail=auto_fail,
        )

    calls = []
    for i in range(10):
        calls.append(r("listening", "partial", 6, i=i))  # 6 x 1.0 = 6.0
        calls.append(
            r("empathy", "missed" if i < 5 else "met", 20 if i < 5 else 0, i=i)
        )  # 10 x 0.5 = 5
        calls.append(
            r(
                "disclosure",
                "missed" if i == 0 else "met",
                20 if i == 0 else 0,
                auto_fail=True,
                i=i,
            )
        )  # 2 x 0.1 = 0.2
        calls.append(r("closing", "met", 0, i=i))
    ranked = suggest(calls)
    assert [s.criterion_id for s in ranked] == ["disclosure", "listening"]
    assert [s.gap for s in ranked] == [0.2, 6.0]
    assert suggest(calls, 3)[2].criterion_id == "empathy"
