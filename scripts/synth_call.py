#!/usr/bin/env python3
"""Render a scripted two-party call into a stereo recording with known timing.

The test fixtures are made with this: espeak-ng speaks each turn, sox brings
it to the call's sample rate, and the turns are laid on a timeline, agent on
the left channel and customer on the right. A turn's ``pause`` is the silence
since the previous turn ended (negative: it starts before that turn ends, an
interruption). ``{"silence": S}`` inserts a stretch with nobody speaking.

Usage: synth_call.py SCRIPT.json OUT.flac   (writes OUT.truth.json beside it)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

VOICE = {"agent": ("en-us+m3", 150), "customer": ("en-us+f2", 155)}


def _say(text: str, voice: str, wpm: int, rate: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        spoken, resampled = Path(tmp, "a.wav"), Path(tmp, "b.wav")
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(spoken), text],
            check=True,
        )
        subprocess.run(
            [
                "sox",
                str(spoken),
                "-r",
                str(rate),
                "-c",
                "1",
                "-b",
                "16",
                str(resampled),
            ],
            check=True,
        )
        with wave.open(str(resampled)) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    audio = pcm.astype(np.float32) / 32768
    voiced = np.flatnonzero(np.abs(audio) > 0.02)
    # Trim espeak's leading and trailing silence so the truth times are tight.
    return audio[voiced[0] : voiced[-1] + 1] if voiced.size else audio


def render(script: dict, out: Path) -> dict:
    rate = script.get("rate", 8000)
    cursor = script.get("lead_in", 0.6)
    placed = []
    for turn in script["turns"]:
        if "silence" in turn:
            cursor += turn["silence"]
            continue
        voice, wpm = VOICE[turn["speaker"]]
        audio = _say(turn["text"], voice, turn.get("wpm", wpm), rate)
        start = cursor + turn.get("pause", 0.7)
        end = start + len(audio) / rate
        placed.append((turn, start, end, audio))
        cursor = max(cursor, end)
    total = int((cursor + 1.0) * rate)
    stereo = np.random.default_rng(11).normal(0, 0.0002, (total, 2)).astype(np.float32)
    truth = []
    for turn, start, _end, audio in placed:
        channel = 0 if turn["speaker"] == "agent" else 1
        first = round(start * rate)
        stereo[first : first + len(audio), channel] += 0.8 * audio
        truth.append(
            {
                "speaker": turn["speaker"],
                "start": round(first / rate, 3),
                "end": round((first + len(audio)) / rate, 3),
                "text": turn["text"],
            }
        )
    pcm = (np.clip(stereo, -1, 1) * 32767).astype("<i2")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp, "call.wav")
        with wave.open(str(raw), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        subprocess.run(["sox", str(raw), str(out)], check=True)
    return {"duration": round(total / rate, 3), "rate": rate, "turns": truth}


def main() -> None:
    script_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    truth = render(json.loads(script_path.read_text()), out)
    out.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1) + "\n")


if __name__ == "__main__":
    main()
