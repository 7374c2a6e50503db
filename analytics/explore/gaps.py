"""The gaps a school is judged on, for the students in view: disadvantaged (FSM yes vs no), SEN (K and E each vs
N) and EAL (yes vs no), on the outcome and on each subject, as a difference in means with a 95 % Welch interval.

A group with fewer than `threshold` students is not reported (schools do not publish small groups): its size
shows as "fewer than N" and the gap gets no figure. Pure pandas/numpy/scipy: no Dash.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analytics.explore.filters import LABELS, group_column
from analytics.explore.measures import SEN_CODES, measures, sen_codes, yes_no
from analytics.explore.views import _labels
from analytics.results import Analysis

CONFIDENCE = 0.95
COLUMNS = ["gap", "key", "measure", "group_a", "group_b", "n_a", "n_b", "small_a", "small_b", "mean_a", "mean_b",
           "difference", "low", "high"]
LOOKED_FOR = {"fsm": "FSM, Pupil Premium or Disadvantaged", "sen": "SEN, SEND or SEN Status",
              "eal": "EAL or English as an additional language"}


@dataclass
class GapTable:
    rows: pd.DataFrame  # one row per (gap, measure), columns COLUMNS
    missing: list[str] = field(default_factory=list)  # why a gap is not there, in words


def comparisons(analysis: Analysis) -> tuple[list[tuple[str, str, str, list[str], str, list[str]]], list[str]]:
    """(gap title, filter key, first group, its labels, second group, its labels) for each gap the file allows,
    and a sentence for each it does not."""
    out, missing = [], []
    for key in ("fsm", "sen", "eal"):
        column = group_column(analysis, key)
        if column is None:
            missing.append(f"No {LABELS[key]} column (looked for {LOOKED_FOR[key]}).")
            continue
        labels = [str(c) for c in pd.unique(_labels(analysis.students[column]))]
        if key == "sen":
            codes = sen_codes(labels)
            if "N" not in codes or not {"K", "E"} & set(codes):
                missing.append(f"SEN gaps need the codes N, K and E in '{column}'; it holds "
                               f"{', '.join(sorted(labels)[:6])}.")
                continue
            out += [(f"{SEN_CODES[code]} vs {SEN_CODES['N']}", key, SEN_CODES[code], codes[code],
                     SEN_CODES["N"], codes["N"]) for code in ("K", "E") if code in codes]
            continue
        yes, no = yes_no(labels)
        if not yes or not no:
            missing.append(f"The {LABELS[key]} gap needs yes/no values (Y/N, Yes/No) in '{column}'; it holds "
                           f"{', '.join(sorted(labels)[:6])}.")
            continue
        name = "FSM" if key == "fsm" else "EAL"
        title = "Disadvantaged: FSM vs not FSM" if key == "fsm" else "EAL vs not EAL"
        out.append((title, key, name, yes, f"not {name}", no))
    return out, missing


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float] | None:
    """The 95 % Welch t interval of mean(a) - mean(b); None when it cannot be estimated."""
    if len(a) < 2 or len(b) < 2:
        return None
    interval = stats.ttest_ind(a, b, equal_var=False).confidence_interval(CONFIDENCE)
    low, high = float(interval.low), float(interval.high)
    return (low, high) if np.isfinite(low) and np.isfinite(high) else None


def gaps(analysis: Analysis, keep_for: Callable[[str], np.ndarray] | None = None, threshold: int = 0) -> GapTable:
    """Every gap on every measure. `keep_for(key)` is the view without the gap's own filter (so a gap stays
    measurable while its group is filtered on); None: every student."""
    found, missing = comparisons(analysis)
    students = analysis.students
    rows = []
    for title, key, name_a, labels_a, name_b, labels_b in found:
        keep = keep_for(key) if keep_for is not None else np.ones(len(students), dtype=bool)
        groups = _labels(students[group_column(analysis, key)]).to_numpy()
        in_a, in_b = keep & np.isin(groups, labels_a), keep & np.isin(groups, labels_b)
        for measure in measures(analysis):
            values = students[measure.column].to_numpy(dtype=float)
            marked = ~np.isnan(values)
            a, b = values[in_a & marked], values[in_b & marked]
            small_a, small_b = 0 < len(a) < threshold, 0 < len(b) < threshold
            row = {"gap": title, "key": key, "measure": measure.name, "group_a": name_a, "group_b": name_b,
                   "n_a": len(a), "n_b": len(b), "small_a": small_a, "small_b": small_b,
                   "mean_a": None, "mean_b": None, "difference": None, "low": None, "high": None}
            interval = None if small_a or small_b else welch(a, b)
            if interval is not None:
                row.update(mean_a=float(a.mean()), mean_b=float(b.mean()), difference=float(a.mean() - b.mean()),
                           low=interval[0], high=interval[1])
            rows.append(row)
    return GapTable(pd.DataFrame(rows, columns=COLUMNS), missing)
