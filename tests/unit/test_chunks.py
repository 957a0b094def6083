"""Speech chunks keep the call's timeline exactly, at every boundary."""

from __future__ import annotations

import numpy as np
import pytest
from coachloop.audio import SAMPLE_RATE
from coachloop.engines.asr._batch import _timed_words
from coachloop.engines.asr._chunks import pack

SR = SAMPLE_RATE


def seconds(*pairs):
    return [(int(a * SR), int(b * SR)) for a, b in pairs]


def test_regions_pack_into_windows_with_their_origins():
    audio = np.arange(100 * SR, dtype=np.float32)
    chunks = pack(audio, seconds((2, 12), (20, 35), (40, 52), (60, 61)))
    # 10 s + 15 s fit one window; the 12 s region would overflow it and
    # starts the next whole.
    assert [c.duration for c in chunks] == [25.0, 13.0]
    first, second = chunks
    assert [(p.local, p.source, p.length) for p in first.pieces] == [
        (0.0, 2.0, 10.0),
        (10.0, 20.0, 15.0),
    ]
    assert [(p.local, p.source) for p in second.pieces] == [(0.0, 40.0), (12.0, 60.0)]
    # The samples are the original ones, end to end.
    assert first.audio[0] == 2 * SR and first.audio[10 * SR] == 20 * SR
    assert second.audio[12 * SR] == 60 * SR


@pytest.mark.parametrize(
    ("local", "call"),
    [(0.0, 2.0), (9.99, 11.99), (10.0, 12.0), (10.01, 20.01), (25.0, 35.0), (99, 35.0)],
)
def test_chunk_time_maps_to_call_time(local, call):
    audio = np.zeros(100 * SR, dtype=np.float32)
    chunk = pack(audio, seconds((2, 12), (20, 35)))[0]
    assert chunk.to_call_time(local) == pytest.approx(call)


def test_a_region_longer_than_the_window_is_split_at_30_s():
    audio = np.zeros(100 * SR, dtype=np.float32)
    chunks = pack(audio, seconds((5, 75)))
    assert [c.duration for c in chunks] == [30.0, 30.0, 10.0]
    assert [c.pieces[0].source for c in chunks] == [5.0, 35.0, 65.0]
    assert chunks[2].to_call_time(10.0) == pytest.approx(75.0)


def test_no_regions_no_chunks():
    assert pack(np.zeros(SR, dtype=np.float32), []) == []


def word(text, start, end, p=0.9):
    return {"word": text, "start": start, "end": end, "probability": p, "tokens": [1]}


def test_words_land_on_the_call_timeline_across_a_cut_silence():
    audio = np.zeros(60 * SR, dtype=np.float32)
    chunk = pack(audio, seconds((3, 8), (30, 34)))[0]  # pieces at local 0 and 5
    words = _timed_words(
        [
            word(" hello", 0.1, 0.5),
            word(" there", 0.5, 0.9),
            word(" you", 4.6, 5.3),  # straddles the cut: mostly before it
            word(" again", 5.2, 5.6),  # after the cut: 30.2 s in the call
            word(" now", 5.6, 6.0),
        ],
        chunk,
    )
    assert [(w.text, w.start, w.end) for w in words] == [
        ("hello", 3.1, 3.5),
        ("there", 3.5, 3.9),
        ("you", 7.6, 8.0),
        ("again", 30.2, 30.6),
        ("now", 30.6, 31.0),
    ]


def test_an_overlong_first_word_after_a_pause_is_trimmed():
    audio = np.zeros(60 * SR, dtype=np.float32)
    chunk = pack(audio, seconds((10, 20)))[0]
    words = _timed_words(
        [word(" right", 0.0, 4.0), word(" so", 4.0, 4.3), word(" yes", 4.3, 4.6)],
        chunk,
    )
    # Typical word 0.3 s: the first word keeps its end and at most 0.6 s.
    assert (words[0].start, words[0].end) == (13.4, 14.0)
    assert all(10 <= w.start <= w.end <= 20 for w in words)
