"""A class's list of who needs help in each subject, and why, in the words a teacher uses.

A student needs help in a subject when their mark is below the subject's target (where the school set one),
else below its pass mark (the scale's own, or the school's), else in the lowest quarter of the whole cohort.
The reasons come from the student's own record, measured against school conventions where they exist
(persistent absence is attendance of 90 % or less; KS2 100 is the expected standard) and against the cohort
otherwise (lowest quarter for homework, highest for behaviour points). The bar is the cohort's, never the
class's, so a strong class does not invent strugglers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.schema import YES_NO
from analytics.results import Analysis

PERSISTENT_ABSENCE = 90.0  # attendance at or below this is "persistent absence" (DfE)
KS2_EXPECTED = 100.0
QUARTER = 0.25


@dataclass
class SubjectNeeds:
    subject: str
    rule: str  # "below the pass mark (4, GCSE 9-1)"
    bar: float
    in_view: int  # students in the class
    with_mark: int
    rows: pd.DataFrame = field(repr=False)  # one row per student below the bar, furthest below first


def _number(analysis: Analysis, role: str) -> np.ndarray | None:
    column = analysis.mapping.get(role)
    if column is None or column not in analysis.students:
        return None
    return pd.to_numeric(analysis.students[column], errors="coerce").to_numpy(dtype=float)


def subject_bar(analysis: Analysis, name: str, points: np.ndarray) -> tuple[float, str]:
    subject = analysis.column_map.subject(name) if analysis.column_map is not None else None
    if subject is not None and subject.target is not None:
        return subject.target, f"below target ({subject.target:g})"
    if subject is not None and subject.effective_pass is not None:
        return subject.effective_pass, f"below the pass mark ({subject.effective_pass:g}, {subject.scale.label})"
    bar = float(np.nanquantile(points, QUARTER))
    return bar, f"in the lowest quarter of the cohort (below {bar:g})"


def reasons(analysis: Analysis, rows: np.ndarray) -> list[str]:
    """For each row, what in the student's record may explain it: '; '-joined, most actionable first."""
    parts: list[list[str]] = [[] for _ in rows]
    attendance = _number(analysis, "attendance")
    if attendance is not None:
        for i, value in enumerate(attendance[rows]):
            if value <= PERSISTENT_ABSENCE:
                parts[i].append(f"attendance {value:g}% (persistent absence)")
    homework = _number(analysis, "homework")
    if homework is not None:
        low = np.nanquantile(homework, QUARTER)
        for i, value in enumerate(homework[rows]):
            if value <= low:
                parts[i].append(f"homework {value:g}% (lowest quarter)")
    behaviour = _number(analysis, "behaviour")
    if behaviour is not None:
        high = np.nanquantile(behaviour, 1 - QUARTER)
        for i, value in enumerate(behaviour[rows]):
            if value >= high and value > 0:
                parts[i].append(f"{value:g} behaviour points (highest quarter)")
    prior = _number(analysis, "previous_score")
    if prior is not None:
        ks2 = analysis.column_map is not None and "previous_score" in analysis.column_map.scales
        low = KS2_EXPECTED if ks2 else np.nanquantile(prior, QUARTER)
        for i, value in enumerate(prior[rows]):
            if value < low:
                parts[i].append(f"KS2 {value:g} (below the expected standard)" if ks2
                                else f"previous score {value:g} (lowest quarter)")
    return ["; ".join(p) if p else "nothing in attendance, homework or behaviour stands out" for p in parts]


def context(analysis: Analysis, rows: np.ndarray) -> list[str]:
    """FSM, SEN and EAL as staff write them beside a name ('FSM, SEN K')."""
    parts: list[list[str]] = [[] for _ in rows]
    for role, label in (("fsm", "FSM"), ("sen", "SEN"), ("eal", "EAL")):
        column = analysis.mapping.get(role)
        if column is None:
            continue
        values = analysis.students[column].astype(str).str.strip().to_numpy()[rows]
        for i, value in enumerate(values):
            key = value.lower()
            if role == "sen" and key not in ("n", "no", "none", "", "nan", "unknown") and YES_NO.get(key) != 0:
                parts[i].append("EHCP" if key == "e" else f"SEN {value}" if len(value) <= 2 else "SEN")
            elif role != "sen" and YES_NO.get(key) == 1:
                parts[i].append(label)
    return [", ".join(p) for p in parts]


def _progress(analysis: Analysis, name: str, column: str):
    found = getattr(analysis, "progress", None)
    if found is None or not found.subjects:
        return None
    return found.subjects.get(name) or next((s for s in found.subjects.values() if s.column == column), None)


def class_needs(analysis: Analysis, keep: np.ndarray | None = None) -> list[SubjectNeeds]:
    """Per subject (or the outcome, for a file without subjects), the students in `keep` below the bar."""
    view = np.arange(analysis.rows) if keep is None else np.flatnonzero(keep)
    subjects = dict(analysis.subject_columns) or (
        {analysis.outcome_label.capitalize(): analysis.exam_column} if analysis.exam_column else {})
    names = [analysis.students[c].astype(str).to_numpy() for c in analysis.identifier_columns]
    out = []
    for name, column in subjects.items():
        points = analysis.students[column].to_numpy(dtype=float)
        bar, rule = subject_bar(analysis, name, points)
        marks = points[view]
        below = view[marks < bar]
        below = below[np.argsort(points[below], kind="stable")]
        rows = pd.DataFrame({"row": [analysis.sheet_row(int(r)) for r in below]})
        for label, values in zip(analysis.identifier_columns, names):
            rows[label] = values[below]
        source = analysis.column_map.subject(name).column if analysis.column_map and \
            analysis.column_map.subject(name) else column
        rows["mark"] = analysis.students[source].to_numpy()[below]
        scored = _progress(analysis, name, column)
        if scored is not None:  # against students with the same prior attainment: behind, or simply low?
            rows["progress"] = np.round(scored.progress[below], 1)
        rows["why"] = reasons(analysis, below)
        rows["context"] = context(analysis, below)
        out.append(SubjectNeeds(name, rule, bar, len(view), int(np.isfinite(marks).sum()), rows))
    return out
