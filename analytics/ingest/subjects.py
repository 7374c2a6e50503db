"""Subject marks as points on their scale, and the combined outcome over subjects.

A subject's cells keep what the school entered. Where the cells are not already plain numbers on the scale
(letters, "U", a stray word), the points go into an added column "<column> (points)". A blank mark stays
blank: a student absent from a mock has no mark, and is left out of that subject rather than given one.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.mapping import ColumnMap, Subject
from analytics.ingest.scales import to_points
from analytics.results import sheet_row

STRAY_SHARE = 0.02  # as for roles: more cells than this outside the scale, and the column is not that subject
COMBINED = "Combined score"
STANDARD_MEAN, STANDARD_SD = 100.0, 15.0  # a standard score, as schools read standardised tests
MAX_NAMED = 5


@dataclass
class SubjectMarks:
    points: dict[str, str] = field(default_factory=dict)  # subject name -> students column with its points
    added: dict[str, pd.Series] = field(default_factory=dict)  # new columns for the students table
    kept: list[Subject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unfit: dict[str, str] = field(default_factory=dict)  # column -> why it is not a subject


def _named(values: pd.Series, mask: np.ndarray, header_row: int = 1) -> str:
    """"'abs' (row 4), 'N/A' (row 9)": each distinct stray cell once, with the first row it is on."""
    rows = np.flatnonzero(mask)
    cells = values.iloc[rows].astype(str).str.strip().to_numpy()
    distinct, first = np.unique(cells, return_index=True)
    order = np.argsort(first)
    parts = [f"'{distinct[i]}' (row {sheet_row(rows[first[i]], header_row)})" for i in order[:MAX_NAMED]]
    more = len(distinct) - len(parts)
    return ", ".join(parts) + (f" and {more:,} other value(s)" if more > 0 else "")


def subject_marks(frame: pd.DataFrame, subjects: list[Subject], header_row: int = 1) -> SubjectMarks:
    """`header_row`: the spreadsheet row of the header, so stray cells are named at the sheet's rows."""
    out = SubjectMarks()
    for subject in subjects:
        values = frame[subject.column]
        points, unknown, outside = to_points(values, subject.scale)
        filled = int(values.notna().sum())
        stray = unknown | outside
        if filled == 0:
            out.unfit[subject.column] = f"Column '{subject.column}' has no marks; not used as a subject."
            continue
        if stray.sum() > STRAY_SHARE * filled:
            out.unfit[subject.column] = (
                f"Column '{subject.column}' is not used as subject {subject.name}: {int(stray.sum()):,} of its "
                f"{filled:,} cells ({stray.sum() / filled:.0%}) do not fit the {subject.scale.label} scale "
                f"({_named(values, stray, header_row)}); choose its scale in the mapping. Its cells are kept as entered.")
            continue
        plain = pd.api.types.is_numeric_dtype(values) and not stray.any()
        column = subject.column if plain else f"{subject.column} (points)"
        if not plain:
            out.added[column] = pd.Series(points, index=frame.index)
        out.points[subject.name] = column
        out.kept.append(subject)
        if unknown.any():
            out.warnings.append(f"Column '{subject.column}': {int(unknown.sum()):,} cell(s) are not a mark on the "
                                f"{subject.scale.label} scale: {_named(values, unknown, header_row)}; left out of "
                                f"{subject.name} (the cells keep what was entered).")
        if outside.any():
            out.warnings.append(f"Column '{subject.column}': {int(outside.sum()):,} mark(s) outside "
                                f"{subject.scale.low:g}-{subject.scale.high:g}: {_named(values, outside, header_row)}; left "
                                f"out of {subject.name} (the cells keep what was entered).")
        blank = int(np.isnan(points).sum() - stray.sum())
        if blank:
            out.warnings.append(f"{subject.name}: {blank:,} student(s) have no mark; they are left out of "
                                f"{subject.name}, not given one.")
    return out


def combined_score(students: pd.DataFrame, marks: SubjectMarks) -> pd.Series:
    """Mean of each student's subject standard scores (100 + 15 z, z within the cohort per subject), so a
    subject marked out of 9 weighs the same as one marked out of 100. NaN for a student with no marks."""
    z = []
    for column in marks.points.values():
        points = students[column].to_numpy(dtype=float)
        mean, sd = np.nanmean(points), np.nanstd(points)
        z.append((points - mean) / (sd if sd > 0 else 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a student with no marks at all: NaN, said elsewhere
        mean_z = np.nanmean(np.vstack(z), axis=0)
    return pd.Series(np.round(STANDARD_MEAN + STANDARD_SD * mean_z, 1), index=students.index)


def outcome_column(columns: ColumnMap, marks: SubjectMarks) -> str | None:
    """Which subject column (or the combined score) is the outcome the models predict."""
    if not marks.kept:
        return None
    if columns.outcome not in ("auto", "combined"):
        return marks.points.get(columns.outcome)
    if columns.outcome == "auto" and len(marks.kept) == 1:
        return marks.points[marks.kept[0].name]
    return COMBINED
