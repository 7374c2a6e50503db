"""Target grade: how many students in view are below a target score, by how much, and per subject where
the file has several subject scores."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.predict.risk import Scores
from analytics.results import THEME_PREFIX, Analysis

SUBJECT = re.compile(r"(score|mark|grade|result|points)s?$|^(maths?|english|science|reading|writing)", re.I)


def subject_columns(analysis: Analysis) -> dict[str, str]:
    """Subject -> the column with its marks (maths score, reading score...), when the file has several."""
    if analysis.column_map is not None:
        return analysis.subject_columns if len(analysis.subject_columns) >= 2 else {}
    previous = analysis.previous_column
    found = [c for c in analysis.students.columns
             if c != previous and not c.startswith(THEME_PREFIX) and SUBJECT.search(str(c).strip())
             and pd.api.types.is_numeric_dtype(analysis.students[c])]
    return {c: c for c in found} if len(found) >= 2 else {}


def target_simulation(analysis: Analysis, target: float, keep: np.ndarray | None = None,
                      scores: Scores | None = None) -> dict:
    """How many students in view are below `target`, by how much on average, and per subject where the
    file has several subject scores. Uses exam scores, or predicted scores for a file without them."""
    rows = np.arange(analysis.rows) if keep is None else np.flatnonzero(keep)
    exam = analysis.exam_column
    if exam and exam in analysis.students:
        values, basis = analysis.students[exam].to_numpy(dtype=float)[rows], "exam scores"
    elif scores is not None:
        values, basis = scores.predicted[rows], "predicted scores"
    else:
        values, basis = None, ""
    out = {"target": float(target), "students": int(len(rows)), "basis": basis, "subjects": []}
    if values is not None:
        gap = target - values
        below = gap > 0
        out.update(below=int(below.sum()), mean_gap=float(gap[below].mean()) if below.any() else 0.0,
                   total_points=float(gap[below].sum()))
    chosen = analysis.column_map
    for name, column in subject_columns(analysis).items():
        subject = chosen.subject(name) if chosen is not None else None
        mark = subject.target if subject is not None and subject.target is not None else target
        marks = analysis.students[column].to_numpy(dtype=float)[rows]
        gap = mark - marks
        below = gap > 0  # a blank mark (NaN) is neither below nor counted
        out["subjects"].append({"subject": name, "below": int(below.sum()),
                                "mean_gap": float(gap[below].mean()) if below.any() else 0.0})
    out["subjects"].sort(key=lambda s: -s["below"])
    return out
