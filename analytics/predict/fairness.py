"""Whether the model serves every group equally well: error and recall per group, with 95 % intervals.

A small sample is resampled (percentile bootstrap: no assumption about the shape of the errors). Above
BOOTSTRAP_LIMIT values the central limit theorem makes the analytic interval as good (a t interval on the
mean error, a Wilson interval on recall) and it costs nothing: resampling every student cost 4.6 s and
575 MB at 200k rows and grew with the file. So the work per group is bounded by draws x BOOTSTRAP_LIMIT.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analytics.predict.risk import Scores
from analytics.results import Analysis

BOOTSTRAP_LIMIT = 5_000  # values; above this the analytic interval is used
LEVEL = 0.95


def mean_interval(values: np.ndarray, draws: int, rng: np.random.Generator) -> tuple[float, float]:
    """95 % interval for the mean of `values`: resampled when few, t interval when many."""
    n = len(values)
    mean = float(values.mean())
    if n < 2:  # nothing to resample or to take a spread from
        return mean, mean
    if n <= BOOTSTRAP_LIMIT:
        found = stats.bootstrap((values,), np.mean, n_resamples=draws, method="percentile", rng=rng,
                                vectorized=True).confidence_interval
        return float(found.low), float(found.high)
    low, high = stats.t.interval(LEVEL, n - 1, loc=mean, scale=stats.sem(values))
    return float(low), float(high)


def share_interval(hits: np.ndarray, draws: int, rng: np.random.Generator) -> tuple[float, float]:
    """95 % interval for the share of True in `hits`: resampled when few, Wilson interval when many."""
    if len(hits) <= BOOTSTRAP_LIMIT:
        return mean_interval(hits.astype(float), draws, rng)
    found = stats.binomtest(int(hits.sum()), len(hits)).proportion_ci(LEVEL, method="wilson")
    return float(found.low), float(found.high)


def group_rows(column: pd.Series) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group names as text in order of first appearance (blanks as "Unknown", as cleaning names them), and
    each group's row numbers. Factorises the column rather than turning a million values into text."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    # two values may read the same as text (1 and "1"): they are one group, as the table shows them
    merged, names = pd.factorize(np.array(["Unknown" if pd.isna(v) else str(v) for v in uniques], dtype=object))
    codes = merged[codes]
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(names)))[:-1]
    return names, np.split(order, bounds)


def fairness(analysis: Analysis, scores: Scores, by: str, min_group: int = 10, draws: int = 400,
             seed: int = 0) -> pd.DataFrame:
    """Per group of `by` (a column): mean absolute error of the predictions and recall of students who ended
    below the pass mark (share the model flagged), each with a 95 % interval; `note` warns when a group is
    too small to judge."""
    if scores.actual is None or by not in analysis.students:
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    names, members = group_rows(analysis.students[by])
    error = np.abs(scores.actual - scores.predicted)
    below = scores.actual < scores.pass_mark
    rows = []
    for group, idx in zip(names, members):
        errors = error[idx]
        mae_low, mae_high = mean_interval(errors, draws, rng)
        truly = idx[below[idx]]
        record = {"group": group, "students": len(idx), "below_pass": len(truly), "mae": round(float(errors.mean()), 2),
                  "mae_low": round(mae_low, 2), "mae_high": round(mae_high, 2)}
        if len(truly):
            hit = scores.at_risk[truly]
            recall_low, recall_high = share_interval(hit, draws, rng)
            record.update(recall=round(float(hit.mean()), 3), recall_low=round(recall_low, 3),
                          recall_high=round(recall_high, 3))
        else:
            record.update(recall=None, recall_low=None, recall_high=None)
        small = len(idx) < min_group or len(truly) < min_group
        which = " below the pass mark" if len(idx) >= min_group else ""
        record["note"] = (f"small group: fewer than {min_group} students{which}; the interval is wide, judge with "
                          "care") if small else ""
        rows.append(record)
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows).sort_values("students", ascending=False).reset_index(drop=True)
    # None, not NaN, where nobody ended below the pass mark: the table shows a dash for it
    recall = ["recall", "recall_low", "recall_high"]
    table[recall] = table[recall].astype(object).where(table[recall].notna(), None)
    return table
