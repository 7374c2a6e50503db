"""Small tables the dashboard draws, computed from an Analysis. Pure pandas: no Dash, no plotting."""
from __future__ import annotations

import pandas as pd

from .clean import sheet_row
from .results import PERSONA, PERSONA_ID, ROW, THEME_PREFIX, TRAJECTORY, TRAJECTORY_ID, Analysis

BLANK = "(blank)"
MODEL_COLUMNS = {"personas": PERSONA, "trajectories": TRAJECTORY}
_ADDED = {ROW, PERSONA, PERSONA_ID, TRAJECTORY, TRAJECTORY_ID}


def kpis(analysis: Analysis) -> dict:
    students = analysis.students
    exam = analysis.exam_column
    weakest = analysis.weakest_trajectory()
    return {
        "students": int(analysis.rows),
        "mean_exam": float(students[exam].mean()) if exam and len(students) else None,
        "exam_column": exam,
        "weakest_name": weakest.name if weakest else None,
        "weakest_share": weakest.size / analysis.rows if weakest and analysis.rows else None,
        "weakest_size": weakest.size if weakest else None,
        "imputed_cells": analysis.imputed_cells,
        "imputed": {col: int(n) for col, n in sorted(analysis.imputed.items(), key=lambda kv: -kv[1]) if n},
        "warnings": len(analysis.warnings),
        "warning_list": list(analysis.warnings),
    }


def model_names(analysis: Analysis, model: str) -> list[str]:
    items = analysis.personas if model == "personas" else analysis.trajectories
    return [item.name for item in sorted(items, key=lambda item: item.id)]


def group_order(values: pd.Series) -> list[str]:
    """Categories of a grouping column, most common first, blanks last."""
    labels = _labels(values)
    counts = labels.value_counts(sort=False)
    order = sorted(counts.index, key=lambda v: (v == BLANK, -counts[v], v))
    return list(order)


def _labels(values: pd.Series) -> pd.Series:
    return values.astype("object").where(values.notna(), BLANK).astype(str).str.strip().replace("", BLANK)


def mix(students: pd.DataFrame, group: str, segment: str, segments: list[str],
        groups: list[str] | None = None) -> pd.DataFrame:
    """Long table: one row per (group, segment) with `count` and `percent` of the group's students.

    Percentages add up to 100 within each group, so groups of different sizes compare fairly.
    """
    labels = _labels(students[group])
    groups = groups if groups is not None else group_order(students[group])
    table = pd.crosstab(labels, _labels(students[segment]))
    table = table.reindex(index=groups, columns=segments, fill_value=0)
    totals = table.sum(axis=1).replace(0, 1)
    percent = table.div(totals, axis=0) * 100
    long = table.stack().rename("count").to_frame().join(percent.stack().rename("percent"))
    long.index.names = ["group", "segment"]
    long = long.reset_index()
    long["count"] = long["count"].astype(int)
    long["group_total"] = long["group"].map(table.sum(axis=1)).astype(int)
    return long


def breakdown(analysis: Analysis, model: str, by: str) -> pd.DataFrame | None:
    """Students per `by` group ("gender" or "school") split by persona or trajectory; None if unavailable."""
    column = analysis.gender_column if by == "gender" else analysis.school_column
    names = model_names(analysis, model)
    if not column or not names or column not in analysis.students:
        return None
    return mix(analysis.students, column, MODEL_COLUMNS[model], names)


def trajectory_mix(analysis: Analysis) -> pd.DataFrame | None:
    """Persona make-up of each trajectory; `percent` adds up to 100 within each trajectory."""
    personas, trajectories = model_names(analysis, "personas"), model_names(analysis, "trajectories")
    if not personas or not trajectories:
        return None
    return mix(analysis.students, TRAJECTORY, PERSONA, personas, trajectories)


def centroids(analysis: Analysis) -> pd.DataFrame:
    """Persona x theme mean z-score (0 = cohort average), personas in id order."""
    rows = {p.name: {t: p.centroid.get(t) for t in analysis.themes} for p in sorted(analysis.personas,
                                                                                     key=lambda p: p.id)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=analysis.themes)


def exam_scores(analysis: Analysis) -> pd.DataFrame | None:
    """Columns `persona` and `score`, one row per student; None without personas or an exam column."""
    exam = analysis.exam_column
    if not exam or not analysis.personas or exam not in analysis.students:
        return None
    frame = analysis.students[[PERSONA, exam]].dropna()
    return pd.DataFrame({"persona": frame[PERSONA].astype(str), "score": frame[exam].astype(float)})


def table_frame(analysis: Analysis, limit: int | None = None) -> pd.DataFrame:
    """The student table: row, persona, trajectory, then the uploaded columns (theme z-scores left out).

    `row` is the row number a spreadsheet shows (header = row 1), the same numbering the warnings use.
    """
    students = analysis.students if limit is None else analysis.students.head(limit)
    first = [c for c in (ROW, PERSONA, TRAJECTORY) if c in students]
    rest = [c for c in students.columns if c not in _ADDED and not c.startswith(THEME_PREFIX)]
    frame = students[first + rest].copy()
    frame[ROW] = frame[ROW] + sheet_row(0)
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values):
            frame[col] = values.astype("object").where(values.notna(), None)
        elif pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all():
            frame[col] = values.astype("Int64")  # "23" reads better than "23.0" for counts and scores
    return frame
