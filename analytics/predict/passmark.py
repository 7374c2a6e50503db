"""The default pass mark: the pass of the grading scale where the scores show it, else one read off the
cohort's trajectories (the user can always type their own)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.results import TRAJECTORY, Analysis


def grading_scale(y: np.ndarray) -> str | None:
    """The grading scale the exam scores are on, where it can be told from the scores alone: "0-20" when every
    score lies in 0-20 and some are above 10 (a GCSE 9-1 file never is). None for any other scale."""
    values = y[~np.isnan(y)]
    if values.size and values.min() >= 0 and values.max() <= 20 and values.max() > 10:
        return "0-20"
    return None


# A pass mark belongs to a scale (see the domain notes): 0-20 (Portugal, France) passes at 10. Other scales'
# pass marks are the school's to set.
SCALE_PASS = {"0-20": 10.0}


def default_pass_mark(analysis: Analysis, y: np.ndarray, subject: str | None = None,
                      marks: np.ndarray | None = None) -> tuple[float, str]:
    """The pass of the scale the exam scores are on, where it is known; else halfway between the weakest
    trajectory's mean exam score and the next one's; else the lowest quarter. For a `subject`, `marks` are its
    marks per student of the file (NaN: none) and the trajectories' means are of those marks."""
    what = f"{analysis.outcome_label}s" if subject is None else f"{subject} marks"
    scale = grading_scale(y)
    if scale in SCALE_PASS:
        return SCALE_PASS[scale], (f"the pass of the {scale} grading scale these {what} are on "
                                   f"(they run from {np.nanmin(y):g} to {np.nanmax(y):g})")
    means = [(t.name, t.mean_exam_score) for t in analysis.trajectories]
    if subject is not None:
        means = _trajectory_means(analysis, marks)
    means = sorted(means, key=lambda item: item[1])
    if len(means) >= 2:
        (low, low_mean), (next_up, next_mean) = means[0], means[1]
        mark = round((low_mean + next_mean) / 2, 1)
        return mark, (f"halfway between the mean {what} of the '{low}' ({low_mean:.1f}) "
                      f"and '{next_up}' ({next_mean:.1f}) trajectories")
    mark = round(float(np.nanquantile(y, 0.25)), 1)
    return mark, f"the {what[:-1]} of the lowest quarter of this cohort"


def _trajectory_means(analysis: Analysis, marks: np.ndarray) -> list[tuple[str, float]]:
    """(trajectory, mean mark of its students who have one), for trajectories with any marks."""
    if TRAJECTORY not in analysis.students or marks is None:
        return []
    groups = pd.Series(marks).groupby(analysis.students[TRAJECTORY].to_numpy(), observed=True).mean().dropna()
    return [(str(name), float(mean)) for name, mean in groups.items()]
