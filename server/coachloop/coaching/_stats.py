"""Intervals for met rates: Wilson for one rate, Newcombe for a difference.

A plan's window holds 5 to 10 calls. At those sizes the normal ("Wald")
interval runs outside [0, 1] and is far too narrow at 0 or 10 of 10; the
Wilson score interval does not, and Newcombe's hybrid method (his method 10)
builds the interval of a difference of two rates from the two Wilson
intervals with the same good behaviour.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of ``successes / n``; ``(0, 1)`` when ``n`` is 0."""
    if n == 0:
        return (0.0, 1.0)
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, {n}], got {successes}")
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate_difference(
    k_after: int, n_after: int, k_before: int, n_before: int, confidence: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """``after - before`` of two rates and its Newcombe hybrid score interval."""
    if n_after == 0 or n_before == 0:
        raise ValueError("both rates need at least one observation")
    p2, p1 = k_after / n_after, k_before / n_before
    l2, u2 = wilson(k_after, n_after, confidence)
    l1, u1 = wilson(k_before, n_before, confidence)
    d = p2 - p1
    lower = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return d, (max(-1.0, lower), min(1.0, upper))


def total_variation(a: dict[str, float], b: dict[str, float]) -> float:
    """Half the L1 distance of two distributions: 0 same mix, 1 disjoint."""
    keys = set(a) | set(b)
    return 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in keys)
