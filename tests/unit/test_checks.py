"""Each check kind on hand-written transcripts, with exact verdicts and times."""

from __future__ import annotations

import pytest
from coachloop.rubrics import (
    DeadAirCheck,
    EmpathyCheck,
    ForbiddenCheck,
    InterruptionsCheck,
    OrderCheck,
    PhraseCheck,
    TalkShareCheck,
    Within,
)
from coachloop.scoring import NO_ROLES, PhraseMatcher
from coachloop.scoring._checks import Context, run_check
from coachloop.transcript import Transcript, Utterance


def call(*turns: tuple[str, float, float, str], duration: float = 120.0) -> Transcript:
    return Transcript(
        utterances=[
            Utterance(f"u{i}", spk, start, end, text)
            for i, (spk, start, end, text) in enumerate(turns)
        ],
        duration=duration,
    )


def judge(check, transcript: Transcript, points: float = 10.0, label: str = "it"):
    return run_check(check, Context(transcript, PhraseMatcher(80.0), label), points)


DISCLOSURE = PhraseCheck(
    speaker="agent", any_of=["this call may be recorded"], within=Within(first_s=30)
)


def test_phrase_met_with_evidence_times():
    t = call(
        ("agent", 1.0, 4.0, "Thanks for calling, this is Sam."),
        ("agent", 4.5, 7.2, "This call may be recorded."),
    )
    out = judge(DISCLOSURE, t)
    assert out.status == "met" and out.fraction == 1.0
    [ev] = out.evidence
    assert (ev.start, ev.end, ev.speaker) == (4.5, 7.2, "agent")
    assert ev.quote == "This call may be recorded."
    assert ev.utterance_ids == ["u1"]


def test_phrase_missed_reports_the_window_searched_and_the_late_mention():
    t = call(
        ("agent", 1.0, 4.0, "Thanks for calling, this is Sam."),
        ("agent", 41.0, 44.0, "By the way this call may be recorded."),
        duration=60.0,
    )
    out = judge(DISCLOSURE, t, label="recording disclosure")
    assert out.status == "missed" and out.fraction == 0.0
    searched, late = out.evidence
    assert (searched.start, searched.end, searched.quote) == (0.0, 30.0, None)
    assert searched.reason.startswith(
        "searched agent speech 0:00-0:30: no recording disclosure"
    )
    assert (late.start, late.end) == (41.0, 44.0)
    assert "0:41, outside the required window 0:00-0:30" in late.reason


def test_phrase_by_the_customer_does_not_count_for_the_agent():
    t = call(("customer", 2.0, 5.0, "Is this call may be recorded?"))
    assert judge(DISCLOSURE, t).status == "missed"


def test_phrase_survives_an_asr_error():
    check = PhraseCheck(speaker="agent", any_of=["card number"])
    t = call(("agent", 3.0, 5.0, "Can I have the car number please"))
    out = judge(check, t)
    assert out.status == "met"
    assert "'card number'" in out.evidence[0].reason


def test_phrase_threshold_is_configurable():
    check = PhraseCheck(speaker="agent", any_of=["card number"], min_similarity=99)
    t = call(("agent", 3.0, 5.0, "Can I have the car number please"))
    assert judge(check, t).status == "missed"


def test_shared_prefix_is_not_a_match():
    check = PhraseCheck(speaker="agent", any_of=["your last payment"])
    t = call(("agent", 3.0, 5.0, "What was your last name so I can look"))
    assert judge(check, t).status == "missed"


def test_phrase_split_across_two_utterances_by_a_pause():
    t = call(
        ("agent", 1.0, 2.5, "Just so you know this call"),
        ("agent", 3.4, 4.6, "may be recorded."),
    )
    out = judge(DISCLOSURE, t)
    assert out.status == "met"
    assert out.evidence[0].utterance_ids == ["u0", "u1"]
    assert (out.evidence[0].start, out.evidence[0].end) == (1.0, 4.6)


def test_all_of_needs_every_group():
    check = PhraseCheck(
        speaker="agent",
        all_of=[["thank you for calling"], ["this is", "my name is"]],
        within=Within(first_s=30),
    )
    assert (
        judge(check, call(("agent", 0.5, 3.0, "Thank you for calling Acme."))).status
        == "missed"
    )
    ok = judge(
        check, call(("agent", 0.5, 3.0, "Thank you for calling Acme, this is Jo."))
    )
    assert ok.status == "met"


def test_last_s_window():
    check = PhraseCheck(
        speaker="agent", any_of=["have a great day"], within=Within(last_s=30)
    )
    early = call(("agent", 10.0, 12.0, "Have a great day"), duration=100.0)
    out = judge(check, early)
    assert out.status == "missed"
    assert out.evidence[0].reason.startswith("searched agent speech 1:10-1:40")
    assert (
        judge(
            check, call(("agent", 90.0, 92.0, "have a great day"), duration=100.0)
        ).status
        == "met"
    )


def test_role_checks_are_na_on_mono():
    t = call(("unknown", 1.0, 4.0, "This call may be recorded."))
    out = judge(DISCLOSURE, t)
    assert (out.status, out.summary) == ("na", NO_ROLES)


def test_forbidden_lists_each_occurrence():
    check = ForbiddenCheck(any_of=["i guarantee", "i promise"])
    t = call(
        ("agent", 10.0, 12.0, "I guarantee it will be fixed."),
        ("customer", 12.5, 13.0, "Okay."),
        ("agent", 70.0, 72.5, "And I promise you a refund."),
    )
    out = judge(check, t)
    assert out.status == "missed"
    assert [(e.start, e.end) for e in out.evidence] == [(10.0, 12.0), (70.0, 72.5)]
    assert out.summary.endswith("said at 0:10, 1:10")
    clean = judge(check, call(("agent", 1.0, 2.0, "It is usually fixed in two days.")))
    assert clean.status == "met"
    assert clean.evidence[0].reason.startswith("searched agent speech 0:00-2:00")


ORDER = OrderCheck(first=["date of birth"], then=["your balance"])


def test_order_met_missed_and_na():
    good = call(
        ("agent", 5.0, 7.0, "Can I have your date of birth?"),
        ("agent", 20.0, 23.0, "Your balance is forty dollars."),
    )
    assert judge(ORDER, good).status == "met"
    bad = call(
        ("agent", 5.0, 7.0, "Your balance is forty dollars."),
        ("agent", 20.0, 23.0, "Can I have your date of birth?"),
    )
    out = judge(ORDER, bad)
    assert out.status == "missed"
    assert out.evidence[0].reason == (
        "searched agent speech 0:00-0:05: none of 'date of birth' before 0:05"
    )
    assert (out.evidence[2].start, out.evidence[2].end) == (20.0, 23.0)
    none = judge(ORDER, call(("agent", 5.0, 7.0, "Hello there.")))
    assert none.status == "na"


EMPATHY = EmpathyCheck(
    frustration=["ridiculous", "frustrated"],
    acknowledgement=["i understand", "im sorry"],
    within_turns=2,
)


def test_empathy_partial_credit_and_search_window():
    t = call(
        ("customer", 10.0, 14.0, "This is ridiculous."),
        ("agent", 15.0, 16.0, "Okay."),
        ("agent", 17.0, 19.0, "I'm sorry, I understand."),
        ("customer", 30.0, 33.0, "I am so frustrated."),
        ("agent", 34.0, 35.0, "Account number?"),
        ("agent", 36.0, 38.0, "And the postcode?"),
        ("agent", 40.0, 42.0, "I understand."),
    )
    out = judge(EMPATHY, t)
    assert out.status == "partial" and out.fraction == 0.5
    reasons = [e.reason for e in out.evidence]
    assert reasons[0] == "customer frustration at 0:10 ('ridiculous')"
    assert reasons[1].startswith("acknowledged at 0:17")
    assert reasons[3] == (
        "searched agent speech 0:34-0:38: no acknowledgement in the next 2 agent turn(s)"
    )


def test_empathy_na_without_frustration():
    out = judge(
        EMPATHY, call(("customer", 1.0, 2.0, "Hi."), ("agent", 3.0, 4.0, "Hello."))
    )
    assert out.status == "na"


def test_interruptions_partial_credit_eight_of_twenty():
    check = InterruptionsCheck(min_overlap_s=0.5, max_allowed=0, deduct_per=6)
    t = call(
        ("customer", 10.0, 20.0, "long complaint"),
        ("agent", 15.0, 16.5, "what is your number"),  # 1.5 s inside
        ("customer", 30.0, 40.0, "second complaint"),
        ("agent", 39.8, 42.0, "yes"),  # only 0.2 s overlap: not counted
        ("customer", 50.0, 60.0, "third"),
        ("agent", 58.0, 61.0, "right right"),  # 2.0 s
    )
    out = judge(check, t, points=20.0)
    assert out.status == "partial"
    assert out.fraction * 20 == pytest.approx(8.0)
    assert [(e.start, e.end) for e in out.evidence] == [(15.0, 16.5), (58.0, 60.0)]
    assert (
        "customer was speaking (0:10-0:20), 1.5 s of overtalk" in out.evidence[0].reason
    )


def test_interruptions_met_and_missed_without_deduction():
    check = InterruptionsCheck(min_overlap_s=0.5, max_allowed=1)
    one = call(("customer", 10.0, 20.0, "x"), ("agent", 15.0, 16.5, "y"))
    assert judge(check, one).status == "met"
    strict = InterruptionsCheck(min_overlap_s=0.5, max_allowed=0)
    assert judge(strict, one).status == "missed"


def test_dead_air_and_announced_hold():
    check = DeadAirCheck(min_s=10, max_allowed=0, deduct_per=5)
    t = call(
        ("agent", 1.0, 5.0, "Let me place you on hold for a minute."),
        ("customer", 5.5, 6.0, "Sure."),
        ("agent", 30.0, 33.0, "I am back."),  # 24 s gap after an announced hold
        ("customer", 34.0, 35.0, "Okay."),
        ("agent", 47.0, 50.0, "Found it."),  # 12 s gap, nobody announced it
    )
    out = judge(check, t)
    assert out.status == "partial" and out.fraction == 0.5
    dead, hold = out.evidence
    assert (dead.start, dead.end) == (35.0, 47.0)
    assert dead.reason == "dead air 0:35-0:47 (12.0 s), no hold announced"
    assert (hold.start, hold.end) == (6.0, 30.0)
    assert "announced at 0:01" in hold.reason and "not dead air" in hold.reason


def test_talk_share():
    check = TalkShareCheck(min=0.2, max=0.6)
    t = call(("agent", 0.0, 30.0, "a"), ("customer", 30.0, 40.0, "b"))
    out = judge(check, t)
    assert out.status == "missed"
    assert "agent share 75%" in out.evidence[0].reason
    ok = call(("agent", 0.0, 10.0, "a"), ("customer", 10.0, 30.0, "b"))
    assert judge(check, ok).status == "met"


def test_a_denial_is_not_a_match():
    t = call(("agent", 1.0, 5.0, "Thank you for calling, this call is not recorded."))
    assert (
        judge(
            DISCLOSURE.__class__(speaker="agent", any_of=["call is recorded"]), t
        ).status
        == "missed"
    )
    check = ForbiddenCheck(any_of=["i promise", "legal action"])
    denial = call(
        (
            "agent",
            3.0,
            6.0,
            "I cannot promise a date, and we will not take legal action.",
        )
    )
    assert judge(check, denial).status == "met"
    assert (
        judge(check, call(("agent", 3.0, 6.0, "I promise it is fixed."))).status
        == "missed"
    )
