"""The default pass mark: the pass of the grading scale where the scores show it, else one read off the
cohort's trajectories (the user can always type their own)."""
from __future__ import annotations

import numpy as np

from analytics.results import Analysis


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


def default_pass_mark(analysis: Analysis, y: np.ndarray) -> tuple[float, str]:
    """The pass of the scale the exam scores are on, where it is known; else halfway between the weakest
    trajectory's mean exam score and the next one's; else the lowest quarter."""
    scale = grading_scale(y)
    if scale in SCALE_PASS:
        return SCALE_PASS[scale], (f"the pass of the {scale} grading scale these exam scores are on "
                                   f"(they run from {np.nanmin(y):g} to {np.nanmax(y):g})")
    trajectories = sorted(analysis.trajectories, key=lambda t: t.mean_exam_score)
    if len(trajectories) >= 2:
        low, next_up = trajectories[0], trajectories[1]
        mark = round((low.mean_exam_score + next_up.mean_exam_score) / 2, 1)
        return mark, (f"halfway between the mean exam scores of the '{low.name}' ({low.mean_exam_score:.1f}) "
                      f"and '{next_up.name}' ({next_up.mean_exam_score:.1f}) trajectories")
    mark = round(float(np.quantile(y, 0.25)), 1)
    return mark, "the exam score of the lowest quarter of this cohort"
