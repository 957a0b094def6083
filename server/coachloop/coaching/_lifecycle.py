"""The coaching note's life: which action may follow which state.

::

    draft ──approve──▶ approved ──send──▶ sent ──acknowledge──▶ acknowledged
      │  ▲ edit           │ ▲ edit
      └──┴──dismiss───────┴─┴──dismiss──▶ dismissed

Edits are allowed until the note is sent: the agent's copy is what was sent.
"""

from __future__ import annotations

from typing import Literal

from coachloop.errors import Conflict

Action = Literal["edit", "approve", "send", "acknowledge", "dismiss"]

ALLOWED: dict[Action, frozenset[str]] = {
    "edit": frozenset({"draft", "approved"}),
    "approve": frozenset({"draft"}),
    "send": frozenset({"approved"}),
    "acknowledge": frozenset({"sent"}),
    "dismiss": frozenset({"draft", "approved"}),
}
RESULT: dict[Action, str | None] = {
    "edit": None,
    "approve": "approved",
    "send": "sent",
    "acknowledge": "acknowledged",
    "dismiss": "dismissed",
}
NOTE_STATES = ("draft", "approved", "sent", "acknowledged", "dismissed")
OPEN_STATES = ("draft", "approved")
"""States that wait on the manager: what the queue shows by default."""


def check_transition(note_id: str, state: str, action: Action) -> str:
    """The state after ``action``, or :class:`Conflict` naming the current state.

    Raises:
        Conflict: ``action`` is not allowed from ``state`` (HTTP 409).
    """
    if state not in ALLOWED[action]:
        allowed = " or ".join(sorted(ALLOWED[action]))
        raise Conflict(
            f"note {note_id} is {state}; {action} needs a note that is {allowed}",
            state=state,
            note_id=note_id,
        )
    return RESULT[action] or state
