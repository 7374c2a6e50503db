"""Small tables the dashboard draws, computed from an Analysis. Pure pandas: no Dash, no plotting."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.explore.filters import group_column
from analytics.results import (
    OUTLIER,
    PERSONA,
    PERSONA_ID,
    ROW,
    THEME_PREFIX,
    TRAJECTORY,
    TRAJECTORY_ID,
    Analysis,
)

BLANK = "(blank)"
MODEL_COLUMNS = {"personas": PERSONA, "trajectories": TRAJECTORY}
_ADDED = {ROW, PERSONA, PERSONA_ID, TRAJECTORY, TRAJECTORY_ID, OUTLIER}


def kpis(analysis: Analysis, keep: np.ndarray | None = None) -> dict:
    """Headline numbers for the students in view (`keep`; everyone when None)."""
    students = analysis.students
    keep = _all(analysis) if keep is None else keep
    in_view = int(keep.sum())
    exam = analysis.exam_column
    weakest = analysis.weakest_trajectory()
    weakest_size = None
    if weakest and TRAJECTORY_ID in students:
        weakest_size = int((students[TRAJECTORY_ID].to_numpy()[keep] == weakest.id).sum())
    outliers = int(students[OUTLIER].to_numpy(dtype=bool)[keep].sum()) if OUTLIER in students else None
    return {
        "students": in_view,
        "total": int(analysis.rows),
        "mean_exam": float(students[exam].to_numpy(dtype=float)[keep].mean()) if exam and in_view else None,
        "exam_column": exam,
        "outcome_label": analysis.outcome_label,
        "weakest_name": weakest.name if weakest else None,
        "weakest_mean": weakest.mean_exam_score if weakest else None,  # whole cohort: what makes it weakest
        "weakest_share": weakest_size / in_view if weakest_size is not None and in_view else None,
        "weakest_size": weakest_size,
        "outliers": outliers,
        "imputed_cells": analysis.imputed_cells,
        "imputed": {col: int(n) for col, n in sorted(analysis.imputed.items(), key=lambda kv: -kv[1]) if n},
        "warnings": len(analysis.warnings),
        "warning_list": list(analysis.warnings),
    }


def _all(analysis: Analysis) -> np.ndarray:
    return np.ones(analysis.rows, dtype=bool)


def model_names(analysis: Analysis, model: str) -> list[str]:
    items = analysis.personas if model == "personas" else analysis.trajectories
    return [item.name for item in sorted(items, key=lambda item: item.id)]


def model_sizes(analysis: Analysis, model: str, keep: np.ndarray | None = None) -> list[int]:
    """Students in view per persona (or trajectory), in id order."""
    names = model_names(analysis, model)
    column = PERSONA_ID if model == "personas" else TRAJECTORY_ID
    if not names or column not in analysis.students:
        return []
    ids = analysis.students[column].to_numpy()
    ids = ids if keep is None else ids[keep]
    return np.bincount(ids[ids >= 0], minlength=len(names)).astype(int).tolist()


def _labels(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), BLANK).astype(str).str.strip().replace("", BLANK)


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer code per row and the label of each code; blanks get their own label."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not values.isna().any():
        return values.cat.codes.to_numpy().astype(np.int64), [str(c).strip() or BLANK
                                                               for c in values.cat.categories]
    cat = pd.Categorical(_labels(values))
    return cat.codes.astype(np.int64), [str(c) for c in cat.categories]


def group_order(values: pd.Series) -> list[str]:
    """Categories of a grouping column, most common first, blanks last (whole cohort, so stable in views)."""
    return _order(*_codes(values))


def _order(codes: np.ndarray, labels: list[str]) -> list[str]:
    counts = np.bincount(codes, minlength=len(labels))
    present = [i for i in range(len(labels)) if counts[i]]
    return [labels[i] for i in sorted(present, key=lambda i: (labels[i] == BLANK, -counts[i], labels[i]))]


def mix(students: pd.DataFrame, group: str, segment: str, segments: list[str],
        groups: list[str] | None = None, keep: np.ndarray | None = None, threshold: int = 0) -> pd.DataFrame:
    """Long table: one row per (group, segment) with `count` and `percent` of the group's students in view.

    Percentages add up to 100 within each group, so groups of different sizes compare fairly. A count
    between 1 and threshold - 1 is `suppressed` (schools do not publish small groups): its count and
    percent are not to be shown, only "fewer than `threshold`".
    """
    g_codes, g_labels = _codes(students[group])
    s_codes, s_labels = _codes(students[segment])
    groups = groups if groups is not None else _order(g_codes, g_labels)
    if keep is not None:
        g_codes, s_codes = g_codes[keep], s_codes[keep]
    width = len(s_labels)
    flat = np.bincount(g_codes * width + s_codes, minlength=len(g_labels) * width).reshape(len(g_labels), width)
    # In numpy, not pandas: these tables have a few dozen cells, where pandas' per-call overhead dominated.
    # Labels that differ only in code (" Male", "Male") add up; labels not asked for drop out.
    g_at, s_at = {label: i for i, label in enumerate(groups)}, {label: i for i, label in enumerate(segments)}
    g_map = np.array([g_at.get(label, -1) for label in g_labels], dtype=np.int64)
    s_map = np.array([s_at.get(label, -1) for label in s_labels], dtype=np.int64)
    rows_ok, cols_ok = g_map >= 0, s_map >= 0
    table = np.zeros((len(groups), len(segments)), dtype=np.int64)
    np.add.at(table, (g_map[rows_ok][:, None], s_map[cols_ok][None, :]), flat[rows_ok][:, cols_ok])
    totals = table.sum(axis=1)
    percent = table / np.where(totals == 0, 1, totals)[:, None] * 100
    n_seg = len(segments)
    count, group_total = table.ravel().astype(int), np.repeat(totals, n_seg).astype(int)
    return pd.DataFrame({
        "group": np.repeat(np.asarray(groups, dtype=object), n_seg),
        "segment": np.tile(np.asarray(segments, dtype=object), len(groups)),
        "count": count, "percent": percent.ravel(), "group_total": group_total,
        "suppressed": (count > 0) & (count < threshold),
        "total_suppressed": (group_total > 0) & (group_total < threshold),
    })


def breakdown(analysis: Analysis, model: str, by: str, keep: np.ndarray | None = None,
              threshold: int = 0) -> pd.DataFrame | None:
    """Students per `by` group (a group filter key: "gender", "school", "fsm"...) split by persona or trajectory;
    None if unavailable."""
    column = group_column(analysis, by)
    names = model_names(analysis, model)
    if not column or not names or column not in analysis.students:
        return None
    return mix(analysis.students, column, MODEL_COLUMNS[model], names, keep=keep, threshold=threshold)


def trajectory_mix(analysis: Analysis, keep: np.ndarray | None = None, threshold: int = 0) -> pd.DataFrame | None:
    """Persona make-up of each trajectory; `percent` adds up to 100 within each trajectory."""
    personas, trajectories = model_names(analysis, "personas"), model_names(analysis, "trajectories")
    if not personas or not trajectories:
        return None
    return mix(analysis.students, TRAJECTORY, PERSONA, personas, trajectories, keep=keep, threshold=threshold)


def centroids(analysis: Analysis) -> pd.DataFrame:
    """Persona x theme mean z-score (0 = cohort average), personas in id order."""
    rows = {p.name: {t: p.centroid.get(t) for t in analysis.themes} for p in sorted(analysis.personas,
                                                                                     key=lambda p: p.id)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=analysis.themes)


def exam_scores(analysis: Analysis, keep: np.ndarray | None = None) -> pd.DataFrame | None:
    """Box-plot figures of the exam score per persona for the students in view, one row per persona
    (`persona`, `n`, `q1`, `median`, `q3`, `low`, `high` whiskers at 1.5 IQR, `mean`); None without an exam
    column or personas. Summaries, not raw scores, so the chart costs the same for 600 or 600,000 students."""
    exam = analysis.exam_column
    if not exam or not analysis.personas or exam not in analysis.students:
        return None
    scores = analysis.students[exam].to_numpy(dtype=float)
    ids = analysis.students[PERSONA_ID].to_numpy()
    if keep is not None:
        scores, ids = scores[keep], ids[keep]
    rows = []
    for persona in sorted(analysis.personas, key=lambda p: p.id):
        values = scores[(ids == persona.id) & ~np.isnan(scores)]
        if not len(values):
            rows.append({"persona": persona.name, "n": 0})
            continue
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        reach = 1.5 * (q3 - q1)
        inside = values[(values >= q1 - reach) & (values <= q3 + reach)]
        rows.append({"persona": persona.name, "n": int(len(values)), "q1": q1, "median": median, "q3": q3,
                     "low": float(inside.min()), "high": float(inside.max()), "mean": float(values.mean())})
    return pd.DataFrame(rows, columns=["persona", "n", "q1", "median", "q3", "low", "high", "mean"])


def table_columns(analysis: Analysis) -> list[str]:
    """The student table's columns: row, persona, trajectory, outlier, then the uploaded columns (theme
    z-scores left out)."""
    students = analysis.students
    first = [c for c in (ROW, PERSONA, TRAJECTORY, OUTLIER) if c in students]
    return first + [c for c in students.columns if c not in _ADDED and not c.startswith(THEME_PREFIX)]


def table_frame(analysis: Analysis, limit: int | None = None, keep: np.ndarray | None = None,
                positions: np.ndarray | None = None) -> pd.DataFrame:
    """The student table for the students in `keep` (a mask) or at `positions` (in that order).

    `row` is the row number a spreadsheet shows (header = row 1), the same numbering the warnings use.
    """
    students = analysis.students
    if positions is None and keep is not None:
        positions = np.flatnonzero(keep)
    if positions is not None:
        students = students.iloc[positions if limit is None else positions[:limit]]
    elif limit is not None:
        students = students.head(limit)
    frame = students[table_columns(analysis)].copy()
    frame[ROW] = analysis.sheet_row(frame[ROW])
    if OUTLIER in frame:
        frame[OUTLIER] = np.where(frame[OUTLIER].to_numpy(dtype=bool), "Yes", "No")
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values):
            frame[col] = values.astype("object").where(values.notna(), None)
        elif pd.api.types.is_float_dtype(values) and _whole(analysis, col):
            frame[col] = values.astype("Int64")  # "23" reads better than "23.0" for counts and scores
    return frame


def _whole(analysis: Analysis, column: str) -> bool:
    """Whether a float column holds whole numbers only, judged on the whole cohort (cached): one page alone
    could show 23 in one view and 23.0 in another."""
    memo = analysis.__dict__.setdefault("_whole_columns", {})
    if column not in memo:
        values = analysis.students[column].dropna()
        memo[column] = bool(values.mod(1).eq(0).all())
    return memo[column]


def outlier_frame(analysis: Analysis, keep: np.ndarray | None = None) -> pd.DataFrame:
    """The outlier table: the unusual students in view, most unusual first, with their reasons in words."""
    columns = [ROW, PERSONA, TRAJECTORY, analysis.exam_column, "unusualness", "reasons"]
    items = analysis.outliers.items if analysis.outliers else []
    if keep is not None:
        items = [i for i in items if keep[i.row]]
    rows = [i.row for i in items]
    students = analysis.students.iloc[rows]
    frame = pd.DataFrame({ROW: analysis.sheet_row(np.asarray(rows, dtype=int))})
    for col in (PERSONA, TRAJECTORY, analysis.exam_column):
        if col and col in students:
            frame[col] = students[col].astype("object").to_numpy()
    frame["unusualness"] = [i.gap for i in items]
    frame["reasons"] = ["; ".join(i.details) for i in items]
    return frame[[c for c in columns if c in frame]]
