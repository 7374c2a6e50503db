"""The classes of a cohort side by side: each form (or teacher) with its size, how many need help in each
subject, and its mean progress, so a head of year sees which class to open first.

"Need help" is the class list's rule (`class_list.subject_bar`: target, else pass mark, else the cohort's lowest
quarter), so the counts here are the lengths of the lists a teacher prints.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.defaults import min_group
from analytics.explore.class_list import subject_bar
from analytics.explore.progress import ALL, student_values
from analytics.results import Analysis

CLASS_ROLES = ("form", "teacher")


def class_role(analysis: Analysis) -> str | None:
    """The role classes are read from: the form where the file has one, else the teacher."""
    return next((r for r in CLASS_ROLES if analysis.mapping.get(r) in analysis.students), None)


def class_rows(analysis: Analysis, keep: np.ndarray | None = None) -> pd.DataFrame:
    """One row per class with students in view: class, teacher, students, '<subject> below' per subject,
    'progress' (mean progress in SD over the class's subjects, None for a class under the reporting
    threshold) and 'on_track' (share). Empty when the file has no form or teacher column."""
    role = class_role(analysis)
    if role is None:
        return pd.DataFrame()
    keep = np.ones(analysis.rows, dtype=bool) if keep is None else keep
    students = analysis.students
    labels = students[analysis.mapping[role]].astype(str).to_numpy()
    frame = pd.DataFrame({"class": labels})
    teacher = analysis.mapping.get("teacher") if role == "form" else None
    if teacher:
        frame["teacher"] = students[teacher].astype(str).to_numpy()
    subjects = dict(analysis.subject_columns) or (
        {analysis.outcome_label.capitalize(): analysis.exam_column} if analysis.exam_column else {})
    for name, column in subjects.items():
        points = students[column].to_numpy(dtype=float)
        bar, _ = subject_bar(analysis, name, points)
        frame[f"{name} below"] = (points < bar).astype(int)
    progress = getattr(analysis, "progress", None)
    if progress is not None and progress.subjects:
        values, hits, counted = student_values(progress, ALL)
        frame["progress"], frame["hits"], frame["counted"] = values, hits, counted
    grouped = frame[keep].groupby("class", sort=True)
    out = grouped.size().rename("students").to_frame()
    if teacher:
        out.insert(0, "teacher", grouped["teacher"].agg(lambda t: ", ".join(sorted(set(t)))))
    for name in subjects:
        out[f"{name} below"] = grouped[f"{name} below"].sum()
    if "progress" in frame:
        out["progress"] = grouped["progress"].mean().round(2)
        out["on_track"] = (grouped["hits"].sum() / grouped["counted"].sum().replace(0, np.nan)).round(3)
        small = out["students"] < min_group()
        out.loc[small, ["progress", "on_track"]] = np.nan  # too few to report, as for every group
    return out.reset_index()
