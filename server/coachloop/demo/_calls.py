"""Customer-service call transcripts made to order: a clean call, minus chosen
criteria. The demo replays them, and tests use them for exact history cases.

Each missed criterion changes the call in the way agents really miss it, and
the shipped ``customer-service`` rubric scores the result exactly:

================== ======= ==========================================
criterion          points  how the call misses it
================== ======= ==========================================
greeting           10      no company or name in the opening line
recording-         10      no recording line (auto-fail: the call is 0)
disclosure
identity-          15      account discussed without verifying
verification
no-promises        10      "I guarantee" an outcome
empathy            15      frustration left unacknowledged
active-listening   6 each  the agent talks over the customer (partial)
dead-air           5 each  15 s of unannounced silence (partial)
further-help       5       no "anything else"
proper-closing     5       no thanks or goodbye
================== ======= ==========================================
"""

from __future__ import annotations

from collections.abc import Collection

from coachloop.transcript import TranscriptIn, UtteranceIn

CRITERIA = (
    "greeting",
    "recording-disclosure",
    "identity-verification",
    "no-promises",
    "empathy",
    "active-listening",
    "dead-air",
    "further-help",
    "proper-closing",
)


def make_call(missed: Collection[str] = ()) -> TranscriptIn:
    """A transcript that misses exactly ``missed`` (criterion ids)."""
    unknown = set(missed) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria {sorted(unknown)}; known: {CRITERIA}")
    lines: list[tuple[str, str, float]] = []
    """(speaker, text, seconds of silence before it)."""
    opening = (
        "Hello, how can I help?"
        if "greeting" in missed
        else "Thank you for calling Bluebird Energy, this is Dana."
    )
    lines.append(("agent", opening, 0.5))
    if "recording-disclosure" not in missed:
        lines.append(("agent", "This call is recorded for quality and training.", 0.2))
    lines.append(
        (
            "customer",
            "My bill doubled this month and I am really frustrated about it.",
            0.6,
        )
    )
    if "empathy" not in missed:
        lines.append(("agent", "I am sorry about that, I understand.", 0.5))
    if "identity-verification" not in missed:
        lines.append(
            ("agent", "Can I have the account holder name and date of birth?", 0.4)
        )
        lines.append(("customer", "Robin Hale, third of March nineteen eighty.", 0.6))
    if "dead-air" in missed:
        lines.append(("agent", "Okay.", 0.5))
        lines.append(("agent", "Right, here it is.", 15.0))
    lines.append(
        (
            "agent",
            (
                "Your statement used an estimated reading, so I have corrected it and "
                "your balance is now sixty dollars."
            ),
            0.7,
        )
    )
    # The middle of the call: long enough that the closing checks' last 45-60 s
    # cannot reach back to the greeting.
    lines.append(("customer", "Why was it estimated? Someone read the meter.", 0.6))
    lines.append(
        (
            "agent",
            (
                "The reading did not reach us in time, so the system used last "
                "winter's usage to estimate this month, which was much colder."
            ),
            0.7,
        )
    )
    lines.append(("customer", "So will the next bill be normal again?", 0.6))
    lines.append(
        (
            "agent",
            (
                "Yes, the next one uses the real reading from your meter, and any "
                "difference is credited back to your account on that bill."
            ),
            0.6,
        )
    )
    lines.append(("customer", "Okay, and can I send readings myself?", 0.6))
    lines.append(
        (
            "agent",
            (
                "You can, through the app or the website, any time in the last week "
                "of the month, and that reading is used instead of an estimate."
            ),
            0.6,
        )
    )
    if "no-promises" in missed:
        lines.append(("agent", "I guarantee this will never happen again.", 0.4))
    lines.append(("customer", "That is great, thank you very much for that.", 0.6))
    if "further-help" not in missed:
        lines.append(("agent", "Is there anything else I can help you with?", 0.5))
        lines.append(("customer", "No, that is all.", 0.6))
    if "proper-closing" not in missed:
        lines.append(("agent", "Thanks for calling Bluebird Energy, goodbye.", 0.5))
    else:
        lines.append(("agent", "Okay.", 0.5))
    return _timed(lines, interrupt="active-listening" in missed)


def _timed(lines: list[tuple[str, str, float]], interrupt: bool) -> TranscriptIn:
    t = 0.0
    out: list[UtteranceIn] = []
    for speaker, text, gap in lines:
        start = t + gap
        end = start + 0.33 * len(text.split())
        out.append(UtteranceIn(speaker=speaker, start=start, end=end, text=text))
        t = end
    if interrupt:
        # The agent starts 1.5 s before the customer's complaint is finished.
        i = next(i for i, u in enumerate(out) if u.speaker == "customer")
        complaint = out[i]
        cut = complaint.end - 1.5
        shift = out[i + 1].start - cut
        for j in range(i + 1, len(out)):
            u = out[j]
            out[j] = UtteranceIn(
                speaker=u.speaker, start=u.start - shift, end=u.end - shift, text=u.text
            )
        t -= shift
    return TranscriptIn(utterances=out, duration=round(t + 1.0, 2))
