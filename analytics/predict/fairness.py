"""Whether the model serves every group equally well: error and recall per group, with intervals."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.predict.risk import Scores
from analytics.results import Analysis


def fairness(analysis: Analysis, scores: Scores, by: str, min_group: int = 10, draws: int = 400,
             seed: int = 0) -> pd.DataFrame:
    """Per group of `by` (a column): mean absolute error of the predictions and recall of students who ended
    below the pass mark (share the model flagged), each with a 95 % bootstrap interval; `note` warns when a
    group is too small to judge."""
    if scores.actual is None or by not in analysis.students:
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    groups = analysis.students[by].astype(str).to_numpy()
    error = np.abs(scores.actual - scores.predicted)
    below = scores.actual < scores.pass_mark
    rows = []
    for group in pd.unique(groups):
        idx = np.flatnonzero(groups == group)
        picks = rng.integers(0, len(idx), size=(draws, len(idx)))
        mae = error[idx].mean()
        mae_draws = error[idx][picks].mean(axis=1)
        truly = idx[below[idx]]
        record = {"group": group, "students": len(idx), "below_pass": len(truly), "mae": round(float(mae), 2),
                  "mae_low": round(float(np.quantile(mae_draws, 0.025)), 2),
                  "mae_high": round(float(np.quantile(mae_draws, 0.975)), 2)}
        if len(truly):
            hit = scores.at_risk[truly].astype(float)
            recall_draws = hit[rng.integers(0, len(truly), size=(draws, len(truly)))].mean(axis=1)
            record.update(recall=round(float(hit.mean()), 3),
                          recall_low=round(float(np.quantile(recall_draws, 0.025)), 3),
                          recall_high=round(float(np.quantile(recall_draws, 0.975)), 3))
        else:
            record.update(recall=None, recall_low=None, recall_high=None)
        small = len(idx) < min_group or len(truly) < min_group
        which = " below the pass mark" if len(idx) >= min_group else ""
        record["note"] = (f"small group: fewer than {min_group} students{which}; the interval is wide, judge with "
                          "care") if small else ""
        rows.append(record)
    return pd.DataFrame(rows).sort_values("students", ascending=False).reset_index(drop=True)
