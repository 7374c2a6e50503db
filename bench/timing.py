"""The median of a few timed runs, as every bench table reports."""
from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
