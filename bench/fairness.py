"""Fairness by group: time and extra memory of `fairness(...)` at 6.6k, 200k and 1M rows.

The Kaggle file is analysed and scored once (out-of-fold predictions); larger cohorts repeat its students
and their scores. Baseline in the same run: the previous method, which resampled every student of every
group 400 times (skipped where its resamples alone would need more than --baseline-limit GB). Time is the
median of --runs untraced calls; memory is the median tracemalloc peak of --runs traced calls.

    python bench/fairness.py [--runs 5] [--rows 6607,200000,1000000] [--by Gender]
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app runs callbacks: one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.analysis import analyse_file  # noqa: E402
from analytics.predict import risk  # noqa: E402
from analytics.predict.fairness import fairness  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "student_performance_factors.csv"


def bootstrap_everyone(analysis, scores, by: str, min_group: int = 10, draws: int = 400,
                       seed: int = 0) -> pd.DataFrame:
    """The previous method: a percentile bootstrap over every student of every group."""
    rng = np.random.default_rng(seed)
    groups = analysis.students[by].astype(str).to_numpy()
    error = np.abs(scores.actual - scores.predicted)
    below = scores.actual < scores.pass_mark
    rows = []
    for group in pd.unique(groups):
        idx = np.flatnonzero(groups == group)
        picks = rng.integers(0, len(idx), size=(draws, len(idx)))
        mae_draws = error[idx][picks].mean(axis=1)
        truly = idx[below[idx]]
        record = {"group": group, "students": len(idx), "mae": round(float(error[idx].mean()), 2),
                  "mae_low": round(float(np.quantile(mae_draws, 0.025)), 2),
                  "mae_high": round(float(np.quantile(mae_draws, 0.975)), 2)}
        if len(truly):
            hit = scores.at_risk[truly].astype(float)
            recall_draws = hit[rng.integers(0, len(truly), size=(draws, len(truly)))].mean(axis=1)
            record.update(recall=round(float(hit.mean()), 3),
                          recall_low=round(float(np.quantile(recall_draws, 0.025)), 3),
                          recall_high=round(float(np.quantile(recall_draws, 0.975)), 3))
        rows.append(record)
    return pd.DataFrame(rows).sort_values("students", ascending=False).reset_index(drop=True)


def baseline_gb(analysis, by: str, draws: int = 400) -> float:
    """What the previous method's largest group needs at once: int64 picks plus the float values they gather."""
    largest = int(analysis.students[by].astype(str).value_counts().iloc[0])
    return 16 * draws * largest / 1e9


def repeated(analysis, scores, by: str, rows: int):
    """The cohort's students (only the grouping column: all fairness reads) and scores repeated to `rows`."""
    take = np.arange(rows) % analysis.rows
    students = analysis.students[[by]].iloc[take].reset_index(drop=True)
    return (dataclasses.replace(analysis, students=students),
            dataclasses.replace(scores, predicted=scores.predicted[take], chance=scores.chance[take],
                                at_risk=scores.at_risk[take], actual=scores.actual[take]))


def measure(method, analysis, scores, by: str, runs: int) -> tuple[float, float]:
    """(median seconds, median extra MB at peak)."""
    seconds, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        method(analysis, scores, by)
        seconds.append(time.perf_counter() - start)
    for _ in range(runs):
        tracemalloc.start()
        method(analysis, scores, by)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return statistics.median(seconds), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", default="6607,200000,1000000")
    parser.add_argument("--by", default="Gender")
    parser.add_argument("--baseline-limit", type=float, default=3.0, help="GB")
    args = parser.parse_args()
    base = analyse_file(str(SOURCE))
    model = risk.fit_risk(base)
    scores = risk.score_cohort(model, base)
    print(f"fairness by {args.by}: medians of {args.runs}; time untraced, memory = tracemalloc peak\n")
    print(f"{'rows':>9} | {'method':<22} | {'time s':>7} | {'extra MB':>8}")
    print("-" * 56)
    for rows in [int(r) for r in args.rows.split(",")]:
        analysis, cohort = repeated(base, scores, args.by, rows)
        seconds, mb = measure(fairness, analysis, cohort, args.by, args.runs)
        print(f"{rows:>9,} | {'bounded + analytic':<22} | {seconds:>7.3f} | {mb:>8.1f}", flush=True)
        need = baseline_gb(analysis, args.by)
        if need > args.baseline_limit:
            print(f"{rows:>9,} | {'bootstrap everyone':<22} | skipped: needs ~{need:.1f} GB at once", flush=True)
            continue
        seconds, mb = measure(bootstrap_everyone, analysis, cohort, args.by, args.runs)
        print(f"{rows:>9,} | {'bootstrap everyone':<22} | {seconds:>7.3f} | {mb:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
