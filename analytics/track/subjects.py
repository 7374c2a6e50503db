"""Subjects across terms: a subject is compared only where every term marks it on the same scale."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.ingest.mapping import Subject
from analytics.results import Analysis


def used_subjects(analysis: Analysis) -> dict[str, Subject]:
    """Subject name -> its definition, for the subjects the analysis has marks for."""
    if analysis.column_map is None:
        return {}
    return {s.name: s for s in analysis.column_map.subjects if s.name in analysis.subject_columns}


def _same_scale(a: Subject, b: Subject) -> bool:
    return (a.scale.kind, a.scale.low, a.scale.high) == (b.scale.kind, b.scale.low, b.scale.high)


def compare_subjects(analyses: list[Analysis]) -> tuple[list[str], dict[str, str]]:
    """(subjects to compare, in first-seen order; subject -> why it is not compared)."""
    per_term = [used_subjects(a) for a in analyses]
    names = list(dict.fromkeys(name for subjects in per_term for name in subjects))
    kept, refused = [], {}
    for name in names:
        present = [(a.filename, subjects[name]) for a, subjects in zip(analyses, per_term) if name in subjects]
        first_file, first = present[0]
        other = next(((f, s) for f, s in present[1:] if not _same_scale(first, s)), None)
        if other is not None:
            refused[name] = (f"{name} is marked on {first.scale.label} in {first_file} (column '{first.column}') but "
                             f"on {other[1].scale.label} in {other[0]} (column '{other[1].column}'); its marks are "
                             "not compared across terms. Give the same scale in --mapping if they are the same marks.")
        else:
            kept.append(name)
    return kept, refused


def term_mean(analysis: Analysis, subject: str) -> float | None:
    """Mean points of the students with a mark in that term (None: no marks, or the term lacks the subject)."""
    column = analysis.subject_columns.get(subject)
    if column is None:
        return None
    points = pd.to_numeric(analysis.students[column], errors="coerce")
    return None if points.isna().all() else round(float(points.mean()), 4)


def change_summary(change: pd.Series) -> dict | None:
    """How a subject's points moved for the linked students with a mark in both terms."""
    change = change.dropna()
    if change.empty:
        return None
    values = change.to_numpy(dtype=float)
    return {"students": int(len(values)), "mean_change": round(float(values.mean()), 4),
            "improved": int((values > 0).sum()), "declined": int((values < 0).sum()),
            "same": int((values == 0).sum())}


def points(analysis: Analysis, subject: str) -> np.ndarray | None:
    column = analysis.subject_columns.get(subject)
    if column is None:
        return None
    return pd.to_numeric(analysis.students[column], errors="coerce").to_numpy(dtype=float)
