"""The real pipeline with the embedded Whisper tiny.en model on CPU."""

from __future__ import annotations

import io
import re
import wave

import numpy as np
import pytest
from audio_tools import FORMATS, as_format, load_planar
from coachloop.audio import decode_audio
from coachloop.errors import BadAudio, BadRequest
from coachloop.pipeline import CallMetadata, CallRequest
from conftest import FIXTURES, SHARED_REAL, truth

pytestmark = pytest.mark.asr


def audio(name: str) -> bytes:
    return (FIXTURES / f"{name}.flac").read_bytes()


def score(pipeline, data: bytes, **meta):
    return pipeline.score(CallRequest(metadata=CallMetadata(**meta), audio=data))


def wav_bytes(planar: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(planar.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        # Exactly the source's 16-bit samples (PyAV decodes s16 as n / 32768),
        # so a swapped copy differs from the original only in channel order.
        pcm = np.clip(np.round(planar.T * 32768), -32768, 32767).astype("<i2")
        w.writeframes(pcm.tobytes())
    return out.getvalue()


@pytest.fixture(scope="module")
def billing(pipeline):
    return score(pipeline, audio("billing_interrupt"), call_id="billing")


def all_times(doc):
    yield from ((u.start, u.end) for u in doc.transcript.utterances)
    for crit in doc.scorecard.criteria:
        yield from ((e.start, e.end) for e in crit.evidence)
    for note in doc.notes:
        yield note.excerpt.start, note.excerpt.end


@pytest.mark.parametrize("name", ["billing_interrupt", "support_ok"])
def test_every_timestamp_inside_the_call(pipeline, name):
    doc = score(pipeline, audio(name))
    assert doc.duration == pytest.approx(truth(name)["duration"], abs=0.01)
    for start, end in all_times(doc):
        assert 0 <= start <= end <= doc.duration
    for u in doc.transcript.utterances:
        assert u.speaker in ("agent", "customer")
    starts = [u.start for u in doc.transcript.utterances]
    assert starts == sorted(starts)


def test_interruptions_and_dead_air_within_one_second_of_truth(billing):
    turns = truth("billing_interrupt")["turns"]
    by_id = {c.id: c for c in billing.scorecard.criteria}
    listening = by_id["active-listening"]
    # Two agent turns were rendered over the customer: at turns 2 and 4.
    expected = [turns[2]["start"], turns[4]["start"]]
    assert [e.start for e in listening.evidence] == pytest.approx(expected, abs=1.0)
    assert (listening.status, listening.earned, listening.possible) == (
        "partial",
        8,
        20,
    )
    dead = by_id["dead-air"]
    [gap] = [e for e in dead.evidence if e.reason.startswith("dead air")]
    assert gap.start == pytest.approx(turns[5]["end"], abs=1.0)
    assert gap.end == pytest.approx(turns[6]["start"], abs=1.0)
    assert billing.scorecard.auto_fail and billing.tier.level == 1
    assert billing.notes[0].criterion_id == "recording-disclosure"


def test_announced_hold_is_not_dead_air(pipeline):
    doc = score(pipeline, audio("support_ok"))
    dead = {c.id: c for c in doc.scorecard.criteria}["dead-air"]
    assert dead.status == "met"
    turns = truth("support_ok")["turns"]
    [hold] = [e for e in dead.evidence if e.reason.startswith("hold")]
    assert hold.start == pytest.approx(turns[5]["end"], abs=1.0)
    assert hold.end == pytest.approx(turns[6]["start"], abs=1.0)


def test_channel_coverage_is_reported(billing):
    infos = billing.channels.channels
    assert [i.speaker for i in infos] == ["agent", "customer"]
    for info in infos:
        assert info.voiced_s > 5 and 0.5 < info.coverage <= 1.0 and info.words > 10


def test_swapped_channels_score_the_same_with_a_channel_map(pipeline, billing):
    planar, rate = load_planar(audio("billing_interrupt"))
    swapped = wav_bytes(planar[::-1], rate)
    doc = score(pipeline, swapped, call_id="billing", channels=["customer", "agent"])
    assert doc.channels.map == ["customer", "agent"]
    assert [(c.id, c.status, c.earned) for c in doc.scorecard.criteria] == [
        (c.id, c.status, c.earned) for c in billing.scorecard.criteria
    ]
    assert doc.scorecard.score == billing.scorecard.score
    wrong = score(pipeline, swapped)
    assert wrong.scorecard.criteria != billing.scorecard.criteria


def test_identical_channels_are_treated_as_mono(pipeline):
    planar, rate = load_planar(audio("support_ok"))
    mono = planar.mean(axis=0)
    doc = score(pipeline, wav_bytes(np.stack([mono, mono * 0.9]), rate))
    assert doc.channels.mode == "mono" and doc.channels.map == ["unknown"]
    assert any("same audio" in w for w in doc.warnings)
    assert {u.speaker for u in doc.transcript.utterances} == {"unknown"}
    needs_roles = {c.id: c for c in doc.scorecard.criteria}["recording-disclosure"]
    assert needs_roles.status == "na" and "mono" in needs_roles.summary


def test_silence_is_unscorable(pipeline):
    rng = np.random.default_rng(3)
    quiet = rng.normal(0, 0.0005, (2, 8000 * 20)).astype(np.float32)
    quiet[1] = rng.normal(0, 0.0005, 8000 * 20)
    doc = score(pipeline, wav_bytes(quiet, 8000))
    assert doc.scorecard.status == "unscorable" and doc.scorecard.score is None
    assert {c.status for c in doc.scorecard.criteria} == {"na"}
    assert doc.transcript.utterances == [] and doc.tier.level is None


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_decodes_every_supported_format(name):
    rate = 44100 if name == "mp3" else None
    data = as_format(audio("billing_interrupt"), name, rate)
    decoded = decode_audio(data)
    assert len(decoded.channels) == 2
    assert decoded.duration == pytest.approx(
        truth("billing_interrupt")["duration"], abs=0.08
    )


def test_mulaw_call_scores_like_the_original(pipeline, billing):
    doc = score(pipeline, as_format(audio("billing_interrupt"), "wav-mulaw"))
    assert doc.source.codec == "pcm_mulaw"
    listening = {c.id: c for c in doc.scorecard.criteria}["active-listening"]
    assert listening.earned == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the audio is empty (0 bytes)"),
        (np.arange(4000, dtype="<i2").tobytes(), "could not read the audio"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "could not read the audio"),
    ],
)
def test_bad_audio_is_refused_with_the_reason(pipeline, data, message):
    with pytest.raises(BadAudio, match=re.escape(message)):
        score(pipeline, data)


def test_bad_channel_map(pipeline):
    with pytest.raises(BadRequest, match="channels must name each stereo channel once"):
        score(pipeline, audio("billing_interrupt"), channels=["agent", "agent"])


@pytest.mark.real
@pytest.mark.skipif(not SHARED_REAL.is_dir(), reason="../shared/real is absent")
def test_real_auto_repairs_call(pipeline):
    data = (SHARED_REAL / "Auto_Repairs_40_UTC_stereo_ulaw_DERIVED.wav").read_bytes()
    doc = score(pipeline, data)
    assert doc.source.codec == "pcm_mulaw" and doc.channels.mode == "stereo"
    assert doc.duration == pytest.approx(245.4, abs=0.2)
    text = {
        s: " ".join(u.text for u in doc.transcript.utterances if u.speaker == s).lower()
        for s in ("agent", "customer")
    }
    assert "thank you for calling" in text["agent"]
    assert "appointment" in text["agent"] + text["customer"]
    assert len(text["agent"].split()) > 200 and len(text["customer"].split()) > 150
    assert all(0 <= s <= e <= doc.duration for s, e in all_times(doc))
    assert len(doc.scorecard.criteria) == 9
    assert all(c.evidence or c.status == "na" for c in doc.scorecard.criteria)
    assert doc.tier.level is not None and doc.notes
