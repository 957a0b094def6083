"""`coachloop calibrate`: agreement and Cohen's kappa against human labels."""

from __future__ import annotations

import json
import subprocess
import sys

import msgspec
import pytest
from coachloop.calibrate import cohen_kappa
from coachloop.demo import make_call


def test_kappa_matches_the_textbook_example():
    # 50 calls: both "met" 20, A met / B missed 5, A missed / B met 10,
    # both "missed" 15: agreement 0.7, chance 0.5, kappa 0.4.
    a = ["met"] * 25 + ["missed"] * 25
    b = ["met"] * 20 + ["missed"] * 5 + ["met"] * 10 + ["missed"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["met", "missed"], ["met", "missed"]) == pytest.approx(1.0)
    assert cohen_kappa(["met", "met"], ["met", "met"]) is None  # chance is 1


def test_calibrate_reports_per_criterion(tmp_path):
    calls = []
    # greeting: labels agree on all four calls; empathy: one label disagrees.
    for i, (missed, labels) in enumerate(
        [
            ((), {"greeting": "met", "empathy": "met"}),
            (("greeting",), {"greeting": "missed", "empathy": "met"}),
            (("empathy",), {"greeting": "met", "empathy": "missed"}),
            (("greeting", "empathy"), {"greeting": "missed", "empathy": "met"}),
        ]
    ):
        path = tmp_path / f"c{i}.json"
        path.write_bytes(msgspec.json.encode(make_call(missed)))
        calls.append({"transcript": path.name, "labels": labels})
    labels = tmp_path / "labels.yaml"
    labels.write_text(json.dumps({"rubric": "customer-service", "calls": calls}))
    out = subprocess.run(
        [sys.executable, "-m", "coachloop", "calibrate", str(labels), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = {r["criterion_id"]: r for r in json.loads(out.stdout)}
    assert rows["greeting"] == {
        "criterion_id": "greeting",
        "scorer": "rules",
        "n": 4,
        "agreement": 1.0,
        "kappa": 1.0,
        "undecided": 0,
    }
    # Machine: met, met, missed, missed; humans: met, met, missed, met.
    assert rows["empathy"]["agreement"] == 0.75
    assert rows["empathy"]["kappa"] == 0.5
    table = subprocess.run(
        [sys.executable, "-m", "coachloop", "calibrate", str(labels)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert table.splitlines()[0].startswith("criterion") and "empathy" in table


def test_bad_labels_are_a_clear_error(tmp_path):
    labels = tmp_path / "labels.yaml"
    labels.write_text("calls: [{labels: {greeting: maybe}, transcript: x.json}]")
    out = subprocess.run(
        [sys.executable, "-m", "coachloop", "calibrate", str(labels)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "invalid labels file" in out.stderr


def test_unknown_criteria_and_empty_labels_are_errors(tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(msgspec.json.encode(make_call()))
    for calls, problem in [
        (
            [{"transcript": "c.json", "labels": {"recording-disclosur": "met"}}],
            "no criterion recording-disclosur in rubric customer-service",
        ),
        ([], "has no labelled calls"),
    ]:
        labels = tmp_path / "labels.yaml"
        labels.write_text(json.dumps({"calls": calls}))
        out = subprocess.run(
            [sys.executable, "-m", "coachloop", "calibrate", str(labels)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 2 and problem in out.stderr, out.stderr
