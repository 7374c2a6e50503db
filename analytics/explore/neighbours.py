"""Students like this one: nearest neighbours and cohort percentiles in the standardised theme space.

One student against the whole cohort is a single pass over an (n x 8) float32 matrix (~10 ms at 1M rows),
so no index is built or cached: an index would cost more to keep than it saves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.models.themes import theme_matrix
from analytics.results import PERSONA, ROW, TRAJECTORY, Analysis


def _check(analysis: Analysis, row: int) -> int:
    if not 0 <= int(row) < analysis.rows:
        raise ValueError(f"row {row} is not in this dataset of {analysis.rows:,} students")
    return int(row)


def similar(analysis: Analysis, row: int, k: int = 6, among: np.ndarray | None = None) -> pd.DataFrame:
    """The k students closest to `row` in theme space (never the student itself), nearest first; only those
    where `among` is True when it is given.

    Columns: row, distance (Euclidean, in cohort standard deviations), then persona, trajectory and exam
    score where the analysis has them. Ties are broken by row number, so the answer is deterministic.
    """
    row = _check(analysis, row)
    x = theme_matrix(analysis)
    columns = [ROW, "distance"] + [c for c in (PERSONA, TRAJECTORY, analysis.exam_column)
                                   if c and c in analysis.students]
    if x.shape[1] == 0 or k <= 0 or analysis.rows < 2:
        return pd.DataFrame(columns=columns)
    distance = np.sqrt(((x - x[row]) ** 2).sum(axis=1, dtype=np.float64))
    distance[row] = np.inf
    candidates = analysis.rows - 1
    if among is not None:
        distance[~among] = np.inf
        candidates = int(among.sum()) - int(bool(among[row]))
        if candidates <= 0:
            return pd.DataFrame(columns=columns)
    k = min(k, candidates)
    nearest = np.argpartition(distance, k - 1)[:k] if k < len(distance) else np.arange(len(distance))
    nearest = nearest[np.lexsort((nearest, distance[nearest]))]
    frame = analysis.students.iloc[nearest][[c for c in columns if c not in (ROW, "distance")]].copy()
    frame.insert(0, "distance", distance[nearest].round(3))
    frame.insert(0, ROW, nearest.astype(int))
    for col in (PERSONA, TRAJECTORY):
        if col in frame:
            frame[col] = frame[col].astype(str)
    return frame.reset_index(drop=True)


def theme_percentiles(analysis: Analysis, row: int) -> dict[str, float]:
    """Theme -> share of the cohort (0-100) below this student, counting ties as half (mid-rank)."""
    row = _check(analysis, row)
    x = theme_matrix(analysis)
    if x.shape[1] == 0:
        return {}
    mine = x[row]
    below = (x < mine).sum(axis=0)
    equal = (x == mine).sum(axis=0)
    percentile = 100.0 * (below + 0.5 * equal) / len(x)
    return {theme: float(p) for theme, p in zip(analysis.themes, percentile)}
