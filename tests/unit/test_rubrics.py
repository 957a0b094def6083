from __future__ import annotations

from pathlib import Path

import pytest
from coachloop.errors import InvalidRubric, RubricNotFound
from coachloop.rubrics import InterruptionsCheck, RubricRegistry, parse_rubric

GOOD = """
id: tiny
version: 1
name: Tiny
threshold: 70
categories:
  - id: c
    name: C
    criteria:
      - id: listen
        name: Listening
        points: 20
        requirement: Let them finish.
        coaching: Wait two beats.
        check: {kind: interruptions, min_overlap_s: 0.5, deduct_per: 6}
"""


def test_shipped_rubrics_load_and_validate():
    registry = RubricRegistry()
    assert registry.available() == ["collections", "customer-service"]
    assert registry.check_all() == []
    collections = registry.get("collections")
    disclosure = {c.id: c for _, c in collections.criteria()}[
        "debt-collection-disclosure"
    ]
    assert disclosure.auto_fail is True
    assert disclosure.check.within.first_s == 45


def test_good_rubric_parses_to_typed_structs():
    rubric = parse_rubric(GOOD, "tiny.yaml")
    [(category, crit)] = rubric.criteria()
    assert category.id == "c"
    assert isinstance(crit.check, InterruptionsCheck)
    assert crit.check.deduct_per == 6


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "points: 20",
            "points: lots",
            "Expected `float`, got `str` - at `$.categories[0].criteria[0].points`",
        ),
        (
            "points: 20",
            "points: -5",
            "Expected `float` > 0.0 - at `$.categories[0].criteria[0].points`",
        ),
        (
            "kind: interruptions",
            "kind: vibes",
            "Invalid value 'vibes' - at `$.categories[0].criteria[0].check.kind`",
        ),
        (
            "min_overlap_s: 0.5",
            "min_overlap: 0.5",
            "Object contains unknown field `min_overlap` - at `$.categories[0].criteria[0].check`",
        ),
        (
            "threshold: 70",
            "threshold: 170",
            "Expected `float` <= 100.0 - at `$.threshold`",
        ),
    ],
)
def test_bad_rubric_names_path_expected_and_found(old, new, message):
    with pytest.raises(InvalidRubric) as info:
        parse_rubric(GOOD.replace(old, new), "tiny.yaml")
    assert info.value.message == f"invalid rubric tiny.yaml: {message}"
    assert info.value.http_status == 422


def test_semantic_checks_have_paths():
    bad = GOOD.replace(
        "check: {kind: interruptions, min_overlap_s: 0.5, deduct_per: 6}",
        "check: {kind: phrase, any_of: [hi], within: {first_s: 5, last_s: 5}}",
    )
    with pytest.raises(
        InvalidRubric,
        match=r"exactly one of `first_s` or `last_s` - at `\$.categories\[0\].criteria\[0\].check.within`",
    ):
        parse_rubric(bad, "x")


def test_registry_directory_overrides_and_reports(tmp_path: Path):
    (tmp_path / "tiny.yaml").write_text(GOOD)
    (tmp_path / "broken.yaml").write_text(
        GOOD.replace("id: tiny", "id: broken").replace("points: 20", "points: x")
    )
    registry = RubricRegistry(tmp_path)
    assert registry.get("tiny").name == "Tiny"
    with pytest.raises(InvalidRubric, match="points"):
        registry.get("broken")
    with pytest.raises(
        RubricNotFound, match="unknown rubric 'nope'; available: broken, collections"
    ):
        registry.get("nope")
    with pytest.raises(RubricNotFound):
        registry.get("../etc/passwd")
    assert registry.get(str(tmp_path / "tiny.yaml"), allow_path=True).id == "tiny"
    assert len(registry.check_all()) == 1
