"""Triage with history: every rule at its exact boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from coachloop.config import TierConfig
from coachloop.demo._calls import make_call
from coachloop.pipeline import CallMetadata, CallRequest, Pipeline
from coachloop.rubrics import RubricRegistry
from coachloop.scoring import AgentHistory, PastCall, triage

T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CONFIG = TierConfig()
ID = "identity-verification"


@pytest.fixture(scope="module")
def scorer():
    pipeline = Pipeline(registry=RubricRegistry())

    def card(*missed: str):
        request = CallRequest(metadata=CallMetadata(), transcript=make_call(missed))
        return pipeline.score(request).scorecard

    return card


def past(ago: timedelta, score: float = 100.0, missed=()) -> PastCall:
    return PastCall(
        call_id=f"p{ago.total_seconds():.0f}-{score}",
        started_at=T - ago,
        score=score,
        missed=frozenset(missed),
    )


def tenured(*calls: PastCall) -> AgentHistory:
    return AgentHistory(hire_date=date(2024, 1, 1), calls=calls)


def test_the_composed_calls_score_as_documented(scorer):
    assert scorer().score == 100.0
    assert scorer(ID).score == 85.0
    assert scorer("recording-disclosure").score == 0.0
    assert scorer(ID, "empathy", "further-help").score == 65.0


def test_three_misses_in_seven_days_is_tier_2_and_two_is_not(scorer):
    card = scorer(ID)
    two_before = tenured(
        past(timedelta(days=1), 85, [ID]), past(timedelta(days=3), 85, [ID])
    )
    tier = triage(card, T, CONFIG, two_before)
    assert tier.level == 2
    assert tier.label == "This week"
    assert tier.reasons == [
        (
            "Identity verification before account details missed on 3 of the agent's "
            "calls in the 7 days to this call"
        )
    ]
    assert tier.due_by == (T + timedelta(hours=72)).isoformat()
    one_before = tenured(past(timedelta(days=1), 85, [ID]))
    assert triage(card, T, CONFIG, one_before).level is None


def test_a_miss_exactly_seven_days_ago_counts_and_a_second_more_does_not(scorer):
    card = scorer(ID)
    recent = past(timedelta(days=2), 85, [ID])
    at_edge = tenured(recent, past(timedelta(days=7), 85, [ID]))
    assert triage(card, T, CONFIG, at_edge).level == 2
    beyond = tenured(recent, past(timedelta(days=7, seconds=1), 85, [ID]))
    assert triage(card, T, CONFIG, beyond).level is None


def test_tier_2_needs_this_call_to_miss_the_criterion(scorer):
    history = tenured(*(past(timedelta(days=d), 85, [ID]) for d in (1, 2, 3)))
    assert triage(scorer(), T, CONFIG, history).level is None


def test_later_calls_in_history_do_not_count(scorer):
    later = [
        PastCall(
            call_id=f"f{i}",
            started_at=T + timedelta(hours=i),
            score=85,
            missed=frozenset([ID]),
        )
        for i in (1, 2)
    ]
    assert triage(scorer(ID), T, CONFIG, tenured(*later)).level is None


@pytest.mark.parametrize(("days", "level"), [(89, 3), (90, None)])
def test_tenure_89_days_is_a_new_hire_and_90_is_not(scorer, days, level):
    card = scorer(ID, "empathy", "further-help")  # 65: below 70, below 80
    history = AgentHistory(hire_date=(T - timedelta(days=days)).date(), calls=[])
    tier = triage(card, T, CONFIG, history)
    if level == 3:
        assert tier.level == 3
        assert tier.reasons == [
            "new agent (89 days of tenure) scored 65, below 70",
            "score 65 is below the threshold 80",
        ]
    else:
        assert tier.level == 5  # below threshold, no pattern
        assert tier.reasons == ["score 65 is below the threshold 80"]


def test_new_hire_at_70_is_not_tier_3(scorer):
    card = scorer(ID, "further-help", "greeting")  # 100 - 15 - 5 - 10 = 70
    assert card.score == 70.0
    history = AgentHistory(hire_date=(T - timedelta(days=10)).date(), calls=[])
    assert triage(card, T, CONFIG, history).level == 5


@pytest.mark.parametrize(("before", "level"), [(95.0, 4), (94.9, None)])
def test_a_drop_of_10_points_is_tier_4_and_9_9_is_not(scorer, before, level):
    card = scorer(ID)  # 85, above the threshold
    history = tenured(past(timedelta(days=8), before), past(timedelta(days=13), before))
    tier = triage(card, T, CONFIG, history)
    assert tier.level == level
    if level == 4:
        assert tier.label == "This cycle"
        assert tier.reasons == [
            (
                "mean score fell 10.0 points from the 7 days before (95.0 on 2 calls "
                "to 85.0 on 1 call)"
            )
        ]
        assert tier.due_by == (T + timedelta(days=7)).isoformat()


def test_tier_4_averages_the_whole_current_week(scorer):
    card = scorer(ID)  # 85
    history = tenured(past(timedelta(days=2), 95.0), past(timedelta(days=9), 100.0))
    # This week: (85 + 95) / 2 = 90, a drop of exactly 10.
    assert triage(card, T, CONFIG, history).level == 4


def test_an_empty_previous_week_never_gives_tier_4(scorer):
    card = scorer(ID, "empathy")  # 70
    history = tenured(past(timedelta(days=1), 100.0), past(timedelta(days=15), 100.0))
    tier = triage(card, T, CONFIG, history)
    assert tier.level == 5
    assert [r for r in tier.reasons if "fell" in r] == []


def test_tier_4_does_not_apply_to_new_hires(scorer):
    card = scorer(ID)
    history = AgentHistory(
        hire_date=(T - timedelta(days=30)).date(),
        calls=[past(timedelta(days=8), 100.0)],
    )
    assert triage(card, T, CONFIG, history).level is None


def test_highest_tier_wins_and_every_reason_is_kept(scorer):
    card = scorer("recording-disclosure", ID)
    history = AgentHistory(
        hire_date=(T - timedelta(days=20)).date(),
        calls=[past(timedelta(days=d), 85, [ID]) for d in (1, 2)],
    )
    tier = triage(card, T, CONFIG, history)
    assert tier.level == 1
    assert tier.due_by == (T + timedelta(hours=4)).isoformat()
    assert [r.split(":")[0].split(" ")[0] for r in tier.reasons] == [
        "auto-fail",
        "Identity",
        "new",
        "score",
    ]


def test_unknown_hire_date_skips_tenure_rules(scorer):
    card = scorer(ID, "empathy", "further-help")
    history = AgentHistory(hire_date=None, calls=[past(timedelta(days=8), 100.0)])
    assert triage(card, T, CONFIG, history).level == 5


def test_configured_numbers_are_used(scorer):
    config = TierConfig(repeat_misses=2, new_hire_score=90.0)
    card = scorer(ID)
    history = AgentHistory(
        hire_date=(T - timedelta(days=5)).date(),
        calls=[past(timedelta(days=1), 85, [ID])],
    )
    tier = triage(card, T, config, history)
    assert tier.level == 2
    assert any(r.startswith("new agent") for r in tier.reasons)


def test_bad_tier_configuration_is_refused():
    with pytest.raises(ValueError, match=r"tier\.repeat_misses"):
        TierConfig(repeat_misses=1)
