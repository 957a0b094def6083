"""What the coaching store takes in and gives out, over REST and the CLI.

Inputs forbid unknown fields, so a misspelt field is a 400 naming it rather
than a value silently ignored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from coachloop.document import Excerpt, Note

Id = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$",
        description="letters, digits and . _ : @ - (starting with a letter or digit)",
    ),
]
Name = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$",
        description="printable text with at least one non-space character",
    ),
]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000, pattern=r"\S")]
"""Free text (notes, reasons, commitments): not blank."""
NoteState = Literal["draft", "approved", "sent", "acknowledged", "dismissed"]
Verdict = Literal["effective", "not_effective", "insufficient_data"]


class _In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


# -- org ---------------------------------------------------------------------


class ManagerIn(_In):
    manager_id: Id
    name: Name


class ManagerPatch(_In):
    name: Name


class TeamIn(_In):
    team_id: Id
    name: Name
    manager_id: Id


class TeamPatch(_In):
    name: Name | None = None
    manager_id: Id | None = None


class AgentIn(_In):
    agent_id: Id
    name: Name
    team_id: Id | None = None
    hire_date: date | None = None
    """Tenure for tiers 3 and 4; without it neither rule can apply."""


class AgentPatch(_In):
    name: Name | None = None
    team_id: Id | None = None
    hire_date: date | None = None


class ManagerOut(msgspec.Struct, kw_only=True):
    manager_id: str
    name: str
    teams: list[str]


class TeamOut(msgspec.Struct, kw_only=True):
    team_id: str
    name: str
    manager_id: str
    agents: list[str]


class AgentOut(msgspec.Struct, kw_only=True):
    agent_id: str
    name: str | None
    team_id: str | None
    manager_id: str | None
    hire_date: date | None
    calls: int
    """Stored calls of the agent."""


class Roster(_In):
    """An org import file: any of the three lists."""

    managers: list[ManagerIn] = []
    teams: list[TeamIn] = []
    agents: list[AgentIn] = []


class ImportSummary(msgspec.Struct, kw_only=True):
    created: dict[str, int]
    updated: dict[str, int]


# -- notes and the queue -----------------------------------------------------


class NoteEditIn(_In):
    text: Text
    author: Id


class ApproveIn(_In):
    by: Id
    text: Text | None = None
    """Approve an edited text in one step; kept as an edit by ``by``."""


class ActorIn(_In):
    by: Id


class DismissIn(_In):
    by: Id
    reason: Text


class NoteEditOut(msgspec.Struct, kw_only=True):
    author: str
    at: datetime
    before: str
    after: str


class NoteOut(msgspec.Struct, kw_only=True):
    id: str
    call_id: str
    agent_id: str | None
    manager_id: str | None
    criterion_id: str
    criterion_name: str
    tier: int
    tier_label: str
    call_time: datetime
    due_by: datetime
    state: NoteState
    text: str
    """The current text: the draft, or the last edit."""
    excerpt: Excerpt
    draft: Note
    edits: list[NoteEditOut]
    created_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    sent_at: datetime | None
    acknowledged_at: datetime | None
    dismissed_at: datetime | None
    dismissed_by: str | None
    dismiss_reason: str | None
    age_hours: float
    """Hours from the call to delivery (sent), or to now while undelivered."""
    overdue: bool
    """Delivered after its due-by, or still undelivered past it."""
    within_target: bool | None
    """Delivered within the coaching-loop target (48 h); ``None`` until decided."""


class FlagOut(msgspec.Struct, kw_only=True):
    id: str
    kind: Literal["adjust", "escalation", "review"]
    agent_id: str
    plan_id: str | None
    call_id: str | None
    """``review``: the call whose criterion needs a human verdict."""
    criterion_id: str
    raised_at: datetime
    message: str
    details: dict[str, Any]


class QueueOut(msgspec.Struct, kw_only=True):
    manager_id: str
    name: str
    as_of: datetime
    notes: list[NoteOut]
    """Ordered by tier, then due-by."""
    flags: list[FlagOut]


class AnswerIn(_In):
    """A person's verdict on a judged criterion (``POST /v1/calls/{id}/answers``)."""

    criterion_id: Id
    verdict: Literal["met", "missed", "na"]
    by: Id
    comment: Text | None = None


# -- plans -------------------------------------------------------------------


class TargetIn(_In):
    """Exactly one: an absolute met rate, or a gain in the criterion's percent."""

    met_rate: Annotated[float, msgspec.Meta(gt=0, le=1)] | None = None
    gain: Annotated[float, msgspec.Meta(gt=0, le=100)] | None = None
    """Percentage points of earned / possible over the baseline, e.g. 15."""


class WindowIn(_In):
    """Exactly one: the agent's next N judged calls, or D days."""

    calls: Annotated[int, msgspec.Meta(ge=5, le=10)] | None = None
    days: Annotated[int, msgspec.Meta(ge=7, le=28)] | None = None


class PlanIn(_In):
    agent_id: Id
    criteria: list[Id] = []
    """One or two criterion ids; empty = the suggested ones."""
    target: TargetIn | None = None
    window: WindowIn | None = None
    starts_at: datetime | None = None
    """Call time the window opens; default now. Earlier calls are the baseline."""


class SessionIn(_In):
    held_at: datetime
    call_id: Id
    start: Annotated[float, msgspec.Meta(ge=0)]
    end: Annotated[float, msgspec.Meta(ge=0)]
    commitment: Text
    """Exactly one commitment, in the agent's words."""
    by: Id | None = None


class SessionOut(msgspec.Struct, kw_only=True):
    id: str
    held_at: datetime
    call_id: str
    excerpt: Excerpt
    commitment: str
    recorded_by: str | None


class Level(msgspec.Struct, kw_only=True):
    """A criterion's level over a set of judged calls."""

    n: int
    met: int
    met_rate: float | None
    interval: tuple[float, float]
    """Wilson interval of the met rate."""
    mean_percent: float | None
    """Mean of earned / possible x 100."""


class SeriesPoint(msgspec.Struct, kw_only=True):
    call_id: str
    started_at: datetime
    call_type: str | None
    status: str
    percent: float


class PeerControl(msgspec.Struct, kw_only=True):
    """The same criterion on the team peers' calls, over the same periods."""

    agents: int
    baseline: Level
    window: Level
    change: float | None
    """Peers' met-rate change; the agent's change minus this is the adjusted one."""


class CallMix(msgspec.Struct, kw_only=True):
    baseline: dict[str, float]
    window: dict[str, float]
    shift: float
    """Total variation distance of the two ``call_type`` mixes (0-1)."""
    changed: bool


class CriterionOutcome(msgspec.Struct, kw_only=True):
    criterion_id: str
    criterion_name: str
    baseline: Level
    baseline_requested: int
    """N asked for; ``baseline.n`` is how many the agent had."""
    target: str
    window: Level
    series: list[SeriesPoint]
    difference: float | None
    """Window met rate minus baseline met rate."""
    difference_interval: tuple[float, float] | None
    """Newcombe interval of the difference."""
    percent_change: float | None
    peers: PeerControl
    adjusted_difference: float | None
    """The agent's change minus the peers' change."""
    call_mix: CallMix
    status: Literal["open", "closed"]
    verdict: Verdict | None
    adjust_flagged: bool


class PlanOut(msgspec.Struct, kw_only=True):
    id: str
    agent_id: str
    created_at: datetime
    starts_at: datetime
    window: dict[str, int]
    window_ends_at: datetime | None
    """End of a days window, or the latest end of a calls window."""
    target: dict[str, float]
    state: Literal["open", "closed"]
    closed_at: datetime | None
    suggested: bool
    """Criteria were suggested rather than chosen (only on creation)."""
    criteria: list[CriterionOutcome]
    sessions: list[SessionOut]


class TrendPoint(msgspec.Struct, kw_only=True):
    week_start: date
    """Monday (UTC) of the call-time week."""
    calls: int
    judged: int
    met: int
    met_rate: float | None
    mean_percent: float | None
    mean_score: float | None


class TrendOut(msgspec.Struct, kw_only=True):
    agent_id: str
    criterion_id: str | None
    weeks: list[TrendPoint]
