"""Subject x group: for each group (year group, form, FSM, SEN, EAL, gender value) and each measure (the outcome and
every subject), the share of the group's students below the measure's reference mark and the group's mean gap to
the students in view. Pure numpy: one bincount per group column and measure.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.explore.filters import LABELS, group_column
from analytics.explore.measures import Measure, measures
from analytics.explore.views import BLANK, _codes
from analytics.results import Analysis

ROW_KEYS = ("year_group", "form", "fsm", "sen", "eal", "gender")  # filter keys, in the order rows are shown
SHORT = {"year_group": "Year", "form": "Form", "fsm": "FSM", "sen": "SEN", "eal": "EAL", "gender": "Gender"}
UNKNOWN = ("Unknown", BLANK)
COLUMNS = ["key", "value", "row", "measure", "n", "below", "gap", "suppressed", "progress"]


@dataclass
class HeatMap:
    rows: list[tuple[str, str, str]]  # (filter key, group value, row label), top to bottom
    measures: list[Measure]  # left to right
    cells: pd.DataFrame  # one row per (group, measure), columns COLUMNS; below/gap NaN when not shown


def _natural(label: str) -> tuple:
    """Year 7 before Year 10, "10A" before "10B", Unknown last."""
    parts = re.split(r"(\d+)", str(label))
    return (label in UNKNOWN, [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts])


def _progress(analysis: Analysis, measure: Measure, codes: np.ndarray, keep: np.ndarray, size: int,
              threshold: int) -> np.ndarray:
    """Each group's mean progress in SD (result against students with the same prior attainment), NaN where the
    file has none for this measure or fewer than `threshold` students have a progress score."""
    found = getattr(analysis, "progress", None)
    subject = None
    if found is not None and found.subjects:
        subject = found.subjects.get(measure.name) or next(
            (s for s in found.subjects.values() if s.column == measure.column), None)
    if subject is None:
        return np.full(size, np.nan)
    values = subject.progress_sd
    has = keep & ~np.isnan(values)
    n = np.bincount(codes[has], minlength=size)
    sums = np.bincount(codes[has], weights=values[has], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n > 0) & (n >= threshold), sums / np.maximum(n, 1), np.nan)


def heatmap(analysis: Analysis, keep_for: Callable[[str], np.ndarray] | None = None,
            threshold: int = 0) -> HeatMap | None:
    """None when the file has no group column of ROW_KEYS or no measure. `keep_for(key)` is the view without
    that key's own filter (a row block keeps all its groups, so a clicked cell can be clicked again)."""
    found = measures(analysis)
    keys = [key for key in ROW_KEYS if group_column(analysis, key)]
    if not found or not keys:
        return None
    students = analysis.students
    rows, cells = [], []
    for key in keys:
        codes, labels = _codes(students[group_column(analysis, key)])
        present = np.bincount(codes, minlength=len(labels)) > 0
        order = sorted((i for i in range(len(labels)) if present[i]), key=lambda i: _natural(labels[i]))
        names = {i: f"{SHORT.get(key, LABELS[key])}: {labels[i]}" for i in order}
        rows += [(key, labels[i], names[i]) for i in order]
        keep = keep_for(key) if keep_for is not None else np.ones(len(students), dtype=bool)
        for measure in found:
            values = students[measure.column].to_numpy(dtype=float)
            has = keep & ~np.isnan(values)
            at, marks = codes[has], values[has]
            n = np.bincount(at, minlength=len(labels))
            sums = np.bincount(at, weights=marks, minlength=len(labels))
            below = np.bincount(at, weights=(marks < measure.reference).astype(float), minlength=len(labels))
            mean_all = marks.mean() if len(marks) else np.nan
            progress = _progress(analysis, measure, codes, keep, len(labels), threshold)
            for i in order:
                shown = n[i] > 0 and not (0 < n[i] < threshold)
                cells.append({"key": key, "value": labels[i], "row": names[i],
                              "measure": measure.name, "n": int(n[i]),
                              "below": below[i] / n[i] if shown else np.nan,
                              "gap": sums[i] / n[i] - mean_all if shown else np.nan,
                              "suppressed": bool(0 < n[i] < threshold),
                              "progress": progress[i] if shown else np.nan})
    return HeatMap(rows, found, pd.DataFrame(cells, columns=COLUMNS))
