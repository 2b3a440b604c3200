"""Timing and percentiles."""

from __future__ import annotations

import math
import time


def timed(fn) -> tuple[float, object]:
    """(seconds, value) of fn(), by perf_counter."""
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def pct(times: list[float], q: float) -> float:
    """Nearest-rank percentile q (0.95 for p95); NaN for no times."""
    if not times:
        return float("nan")
    ordered = sorted(times)
    return ordered[max(0, math.ceil(round(q * len(ordered), 9)) - 1)]


def p95(times: list[float]) -> float:
    return pct(times, 0.95)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def lat(times: list[float]) -> str:
    """The p50 / p95 / p99 in milliseconds, or n/a."""
    if not times:
        return "n/a"
    return " / ".join(ms(pct(times, q)) for q in (0.50, 0.95, 0.99))
