"""Call-time formatting shared by notes, evidence and the CLI report."""

from __future__ import annotations


def mmss(seconds: float) -> str:
    """``75.4`` -> ``"1:15"``; hours roll into minutes (``"61:05"``)."""
    whole = max(0, int(seconds + 1e-6))
    return f"{whole // 60}:{whole % 60:02d}"


def span(start: float, end: float) -> str:
    return f"{mmss(start)}-{mmss(end)}"
