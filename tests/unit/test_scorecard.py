from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
from coachloop.config import ScoringConfig, TierConfig
from coachloop.errors import BadRequest
from coachloop.rubrics import RubricRegistry
from coachloop.scoring import PhraseMatcher, draft_notes, score_transcript, triage
from coachloop.transcript import Transcript, TranscriptIn, transcript_from_input

CALL_TIME = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def transcript(*turns, duration=100.0) -> Transcript:
    raw = {
        "utterances": [dict(speaker=s, start=a, end=b, text=t) for s, a, b, t in turns],
        "duration": duration,
    }
    return transcript_from_input(msgspec.convert(raw, TranscriptIn))


GOOD_CALL = (
    (
        "agent",
        0.5,
        6.0,
        "Thank you for calling Acme, this is Sam. This call may be recorded.",
    ),
    ("customer", 6.5, 10.0, "Hi, I have a question about my bill."),
    ("agent", 10.5, 14.0, "Sure, can I have your date of birth?"),
    ("customer", 14.5, 16.0, "March third."),
    ("agent", 16.5, 20.0, "Thanks. Your balance is forty dollars."),
    ("customer", 20.5, 22.0, "Great."),
    ("agent", 80.0, 84.0, "Is there anything else I can help you with today?"),
    ("customer", 84.5, 85.0, "No."),
    ("agent", 85.5, 88.0, "Thanks for calling, have a great day."),
)


def score(t):
    rubric = RubricRegistry().get("customer-service")
    card = score_transcript(rubric, t, PhraseMatcher(80))
    tier = triage(card, CALL_TIME, TierConfig())
    notes = draft_notes(
        rubric, card, tier, CALL_TIME, t.duration, ScoringConfig(), TierConfig()
    )
    return card, tier, notes


def test_good_call_scores_and_na_leaves_the_total():
    card, tier, notes = score(transcript(*GOOD_CALL))
    by_id = {c.id: c for c in card.criteria}
    assert by_id["empathy"].status == "na"
    assert by_id["empathy"].possible == 0
    # One 58 s silence (22-80) is dead air: 5 of 10 points.
    assert by_id["dead-air"].earned == 5
    assert card.possible == 85 and card.earned == 80
    assert card.score == pytest.approx(94.1)
    assert tier.level is None and notes == []


def test_missed_auto_fail_zeroes_score_tier_one_and_notes_first():
    turns = list(GOOD_CALL)
    turns[0] = ("agent", 0.5, 6.0, "Thank you for calling Acme, this is Sam.")
    card, tier, notes = score(transcript(*turns))
    assert card.auto_fail and card.score == 0.0 and card.below_threshold
    assert tier.level == 1 and tier.label == "Immediate"
    assert tier.reasons == [
        "auto-fail criterion missed: Recording disclosure",
        "score 0 is below the threshold 80",
    ]
    assert tier.due_by == "2026-12-01T13:00:00+00:00"
    first, second = notes
    assert first.criterion_id == "recording-disclosure"
    assert first.headline == "Recording disclosure: 0 of 10 points"
    assert "0:00-0:30" in first.what_happened
    assert (first.excerpt.start, first.excerpt.end) == (0.0, 35.0)
    assert second.criterion_id == "dead-air"  # the next most points lost
    assert "review them by Tue 08 Dec" in first.next_target
    for part in (
        "What happened:",
        "Why it matters:",
        "What to do instead:",
        "Next calls:",
    ):
        assert part in first.text


def test_below_threshold_is_tier_five_due_in_fourteen_days():
    turns = [t for t in GOOD_CALL if t[1] < 40]
    turns.append(("agent", 30.0, 31.0, "Okay, I promise it will be fine."))
    card, tier, notes = score(transcript(*turns, duration=100.0))
    assert not card.auto_fail
    # Lost: promise 10, no offer of help 5, no closing 5; empathy is na.
    assert (card.earned, card.possible) == (65, 85)
    assert card.score == pytest.approx(76.5)
    assert tier.level == 5 and tier.label == "Standard"
    assert tier.due_by == "2026-12-15T09:00:00+00:00"
    assert [n.criterion_id for n in notes] == ["no-promises", "further-help"]
    assert "0:30" in notes[0].what_happened


def test_no_speech_is_unscorable_and_nothing_fails():
    card, tier, notes = score(transcript(duration=30.0))
    assert card.status == "unscorable" and card.score is None
    assert {c.status for c in card.criteria} == {"na"}
    assert tier.level is None and notes == []


def test_transcript_input_is_checked():
    with pytest.raises(
        BadRequest, match=r"utterances\[0\].end \(1.0\) is before its start \(2.0\)"
    ):
        transcript(("agent", 2.0, 1.0, "x"))
    with pytest.raises(BadRequest, match="after the call's duration"):
        transcript(("agent", 2.0, 11.0, "x"), duration=10.0)
