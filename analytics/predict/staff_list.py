"""The intervention list as staff act on it: who the student is (UPN, name: the file's identifier columns,
shown to staff and never a model input), and for one subject the mark as the school entered it and, where the
mapping sets a target, whether the student is below it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.predict.subject_risk import subject_of
from analytics.results import Analysis

MARK, TARGET, BELOW_TARGET, PROGRESS = "mark", "target", "below_target", "progress"


def _progress(analysis: Analysis, subject: str | None) -> np.ndarray | None:
    """Each student's progress in `subject` (or the outcome), NaN without a score; None when there is none."""
    found = getattr(analysis, "progress", None)
    if found is None or not found.subjects or not analysis.subject_columns:  # a school's file: staff lists only
        return None
    if subject:
        scored = found.subjects.get(subject)
    else:
        scored = next((s for s in found.subjects.values() if s.column == analysis.exam_column or s.is_outcome), None)
    return None if scored is None else scored.progress


def staff_list(frame: pd.DataFrame, analysis: Analysis, subject: str | None = None) -> pd.DataFrame:
    """`frame` (interventions.intervention_list, same rows in the same order) with the identifier columns after
    the row number and, for `subject`, its mark as entered before the prediction and its target after the
    chance. A file without identifiers or subjects gets `frame` back unchanged."""
    found = subject_of(analysis, subject) if subject else None
    identifiers = [c for c in analysis.identifier_columns if c in analysis.students and c not in frame.columns]
    if not identifiers and found is None and _progress(analysis, subject) is None:
        return frame
    positions = frame["row"].to_numpy(dtype=np.int64) - analysis.sheet_row(0)
    out = frame.copy()
    at = list(out.columns).index("row") + 1
    for k, column in enumerate(identifiers):
        out.insert(at + k, column, analysis.students[column].iloc[positions].to_numpy())
    if found is not None:
        entered = analysis.students[found.column].iloc[positions].to_numpy()
        out.insert(list(out.columns).index("predicted"), MARK, entered)
    progress = _progress(analysis, subject)
    if progress is not None:  # result against students with the same prior attainment, in the subject's points
        columns = list(out.columns)
        at = columns.index(MARK) + 1 if MARK in columns else columns.index("predicted") if "predicted" in columns \
            else len(columns)
        out.insert(at, PROGRESS, np.round(progress[positions], 1))
    if found is not None:
        if found.target is not None:
            points = analysis.students[analysis.subject_columns[subject]].to_numpy(dtype=float)[positions]
            below = np.where(np.isnan(points), "", np.where(points < found.target, "Yes", "No"))
            at = list(out.columns).index("chance_below") + 1
            out.insert(at, TARGET, found.target)
            out.insert(at + 1, BELOW_TARGET, below)
    out.attrs = dict(frame.attrs)
    return out
