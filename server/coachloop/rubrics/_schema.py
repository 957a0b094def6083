"""The rubric format as typed structs; msgspec does the type checking.

Every struct forbids unknown fields, so a misspelt key is an error with its
path rather than a silently ignored setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

NonNegative = Annotated[float, msgspec.Meta(ge=0)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Phrases = Annotated[list[Annotated[str, msgspec.Meta(min_length=1)]], msgspec.Meta()]
Role = Literal["agent", "customer", "any"]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class Within(_Strict):
    """Where in the call to look: the first or the last N seconds."""

    first_s: Positive | None = None
    last_s: Positive | None = None


class _Check(_Strict, tag_field="kind"):
    pass


class PhraseCheck(_Check, tag="phrase"):
    """Met when ``speaker`` says one of ``any_of`` and one of each ``all_of`` set."""

    speaker: Role = "agent"
    any_of: Phrases = []
    all_of: list[Phrases] = []
    within: Within | None = None
    min_similarity: Percent | None = None


class ForbiddenCheck(_Check, tag="forbidden"):
    """Met when ``speaker`` says none of ``any_of``; each occurrence is evidence."""

    any_of: Phrases
    speaker: Role = "agent"
    within: Within | None = None
    min_similarity: Percent | None = None


class OrderCheck(_Check, tag="order"):
    """Something from ``first`` must be said before anything from ``then``."""

    first: Phrases
    then: Phrases
    speaker: Role = "agent"
    min_similarity: Percent | None = None


class EmpathyCheck(_Check, tag="empathy"):
    """Customer frustration must be acknowledged within the next agent turns."""

    frustration: Phrases
    acknowledgement: Phrases
    within_turns: Annotated[int, msgspec.Meta(ge=1, le=10)] = 2
    min_similarity: Percent | None = None


class InterruptionsCheck(_Check, tag="interruptions"):
    """The agent starting while the customer is mid-utterance."""

    min_overlap_s: NonNegative = 0.5
    max_allowed: Annotated[int, msgspec.Meta(ge=0)] = 0
    deduct_per: Positive | None = None
    """Points lost per interruption over ``max_allowed``; unset loses all points."""


class DeadAirCheck(_Check, tag="dead_air"):
    """Nobody speaking for ``min_s`` or more, unless the agent announced a hold."""

    min_s: Positive = 10.0
    max_allowed: Annotated[int, msgspec.Meta(ge=0)] = 0
    deduct_per: Positive | None = None
    hold_phrases: Phrases = msgspec.field(
        default_factory=lambda: [
            "place you on hold",
            "put you on hold",
            "brief hold",
            "hold for a moment",
            "bear with me",
            "one moment please",
        ]
    )
    resume_phrases: Phrases = msgspec.field(
        default_factory=lambda: [
            "thank you for holding",
            "thanks for holding",
            "thank you for waiting",
            "thanks for waiting",
            "sorry for the wait",
        ]
    )
    """Said right after a silence, these show it was a hold the ASR missed."""
    hold_lookback_s: Positive = 30.0
    """A hold phrase this close before (or resume phrase after) makes it a hold."""


class TalkShareCheck(_Check, tag="talk_share"):
    """The agent's share of all talk time must lie in ``[min, max]``."""

    min: Share = 0.0
    max: Share = 1.0


Verdict = Literal["met", "missed", "na"]


class LlmCheck(_Check, tag="llm"):
    """A question a rule cannot answer, put to the judge model.

    The judge reads the transcript (utterance ids, speakers, m:ss times) and
    the timing facts the rules computed, and must answer with one of
    ``choices``, quoting the utterances it relies on. Without a judge the
    criterion is ``na``.
    """

    question: Annotated[str, msgspec.Meta(min_length=5, max_length=1000)]
    guidance: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    choices: Annotated[list[Verdict], msgspec.Meta(min_length=2)] = msgspec.field(
        default_factory=lambda: ["met", "missed", "na"]
    )
    examples: Annotated[list[str], msgspec.Meta(max_length=10)] = msgspec.field(
        default_factory=list
    )
    """Short worked examples in plain words, shown to the judge as guidance."""
    first_s: Positive = 30.0
    """The judge is told what was said in this many seconds from the start."""


Check = (
    LlmCheck
    | PhraseCheck
    | ForbiddenCheck
    | OrderCheck
    | EmpathyCheck
    | InterruptionsCheck
    | DeadAirCheck
    | TalkShareCheck
)


class Criterion(_Strict):
    id: Slug
    name: Annotated[str, msgspec.Meta(min_length=1)]
    points: Positive
    requirement: Annotated[str, msgspec.Meta(min_length=1)]
    coaching: Annotated[str, msgspec.Meta(min_length=1)]
    check: Check
    auto_fail: bool = False


class Category(_Strict):
    id: Slug
    name: Annotated[str, msgspec.Meta(min_length=1)]
    criteria: Annotated[list[Criterion], msgspec.Meta(min_length=1)]


class Rubric(_Strict):
    id: Slug
    version: Annotated[int, msgspec.Meta(ge=1)]
    name: Annotated[str, msgspec.Meta(min_length=1)]
    categories: Annotated[list[Category], msgspec.Meta(min_length=1)]
    threshold: Percent = 80.0
    description: str = ""

    def criteria(self) -> list[tuple[Category, Criterion]]:
        return [(cat, crit) for cat in self.categories for crit in cat.criteria]
