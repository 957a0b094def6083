"""Finding rubrics: by id in the shipped set and a configured directory, or by path.

Rubric files are read on lookup (and cached by modification time), so a QA
lead can edit a rubric without restarting the server, and one bad file makes
only the requests that use it fail, with a 422 naming the field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import msgspec

from coachloop.errors import InvalidRubric, RubricNotFound
from coachloop.rubrics._schema import (
    PhraseCheck,
    Rubric,
    TalkShareCheck,
    Within,
)

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).parent / "shipped"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def parse_rubric(text: str | bytes, source: str) -> Rubric:
    """Validate rubric YAML into a :class:`Rubric`.

    Raises:
        InvalidRubric: the message gives ``source``, the field path, what was
            expected and what was found.
    """
    try:
        rubric = msgspec.yaml.decode(text, type=Rubric)
    except msgspec.ValidationError as exc:
        raise InvalidRubric(f"invalid rubric {source}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise InvalidRubric(
            f"invalid rubric {source}: not valid YAML ({exc})"
        ) from None
    problems = list(_semantic_problems(rubric))
    if problems:
        raise InvalidRubric(f"invalid rubric {source}: " + "; ".join(problems))
    return rubric


def load_rubric_file(path: Path) -> Rubric:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise RubricNotFound(
            f"cannot read rubric file {path}: {exc.strerror}"
        ) from None
    return parse_rubric(text, str(path))


def _semantic_problems(rubric: Rubric) -> Iterator[str]:
    seen_categories: set[str] = set()
    seen: set[str] = set()
    for ci, category in enumerate(rubric.categories):
        cpath = f"$.categories[{ci}]"
        if category.id in seen_categories:
            yield f"duplicate category id {category.id!r} - at `{cpath}.id`"
        seen_categories.add(category.id)
        for ki, crit in enumerate(category.criteria):
            path = f"{cpath}.criteria[{ki}]"
            if crit.id in seen:
                yield f"duplicate criterion id {crit.id!r} - at `{path}.id`"
            seen.add(crit.id)
            check = crit.check
            within = getattr(check, "within", None)
            if isinstance(within, Within) and (within.first_s is None) == (
                within.last_s is None
            ):
                yield (
                    "Expected exactly one of `first_s` or `last_s` - at "
                    f"`{path}.check.within`"
                )
            if isinstance(check, PhraseCheck) and not (check.any_of or check.all_of):
                yield (
                    "Expected `any_of` or `all_of` with at least one phrase - at "
                    f"`{path}.check`"
                )
            if isinstance(check, TalkShareCheck) and check.min > check.max:
                yield (
                    f"Expected `min` <= `max`, got {check.min} > {check.max} - at "
                    f"`{path}.check`"
                )


class RubricRegistry:
    """Rubrics by id: the configured directory first, then the shipped set."""

    def __init__(self, extra_dir: str | Path | None = None) -> None:
        self.dirs: list[Path] = []
        if extra_dir is not None:
            extra = Path(extra_dir)
            if not extra.is_dir():
                raise ValueError(f"rubrics directory {str(extra)!r} does not exist")
            self.dirs.append(extra)
        self.dirs.append(SHIPPED_DIR)
        self._cache: dict[Path, tuple[float, Rubric]] = {}

    def available(self) -> list[str]:
        ids = {p.stem for d in self.dirs for p in d.glob("*.y*ml")}
        return sorted(i for i in ids if _ID.match(i))

    def get(self, ref: str, *, allow_path: bool = False) -> Rubric:
        """Look a rubric up by id, or by file path when ``allow_path`` (the CLI).

        Raises:
            RubricNotFound: no rubric has that id (the message lists those that do).
            InvalidRubric: the file exists but does not validate.
        """
        if allow_path and (ref.endswith((".yaml", ".yml")) or "/" in ref):
            return self._load(Path(ref))
        if not _ID.match(ref):
            raise RubricNotFound(
                f"unknown rubric {ref!r}: ids are lower-case letters, digits, - and _"
            )
        for directory in self.dirs:
            for suffix in (".yaml", ".yml"):
                path = directory / f"{ref}{suffix}"
                if path.is_file():
                    rubric = self._load(path)
                    if rubric.id != ref:
                        raise InvalidRubric(
                            f"invalid rubric {path}: file is named {ref!r} but "
                            f"declares id {rubric.id!r} - at `$.id`"
                        )
                    return rubric
        raise RubricNotFound(
            f"unknown rubric {ref!r}; available: {', '.join(self.available())}"
        )

    def check_all(self) -> list[str]:
        """Validate every rubric found; returns one message per bad file."""
        problems = []
        for ref in self.available():
            try:
                self.get(ref)
            except (InvalidRubric, RubricNotFound) as exc:
                problems.append(exc.message)
        return problems

    def _load(self, path: Path) -> Rubric:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            raise RubricNotFound(f"rubric file {str(path)!r} does not exist") from None
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        rubric = load_rubric_file(path)
        self._cache[path] = (mtime, rubric)
        return rubric
