"""Risk per subject: for each subject of a school's file, a model of that subject's points from the same
pre-exam columns as the outcome's model, cross-validated the same way, and the chance of ending below the
subject's own pass mark.

Students with no mark in a subject (absent from the mock, not taking it) are left out of its fitting and its
cross-validation; they are still scored, by the final model, which never saw them.
"""
from __future__ import annotations

import numpy as np

from analytics.ingest.mapping import Subject
from analytics.predict.passmark import default_pass_mark
from analytics.predict.risk import NoModel, RiskModel, Target, fit_risk
from analytics.results import Analysis


def subject_names(analysis: Analysis) -> list[str]:
    """The subjects a model can be learnt for, in the file's order (none for a file without subjects)."""
    return list(analysis.subject_columns)


def subject_of(analysis: Analysis, name: str) -> Subject | None:
    return analysis.column_map.subject(name) if analysis.column_map is not None else None


def pass_mark(analysis: Analysis, name: str) -> tuple[float, str]:
    """The subject's pass mark and where it comes from: the one set in the mapping, else its scale's pass
    (GCSE 4, 0-20 10, KS2 100, letters C), else the app's default pass mark read on this subject's marks."""
    subject = subject_of(analysis, name)
    if subject is not None and subject.pass_mark is not None:
        return float(subject.pass_mark), f"the pass mark set for {name} in the column mapping"
    if subject is not None and subject.effective_pass is not None:
        return float(subject.effective_pass), f"the pass of the {subject.scale.label} scale {name} is marked on"
    marks = analysis.students[analysis.subject_columns[name]].to_numpy(dtype=float)
    return default_pass_mark(analysis, marks[~np.isnan(marks)], subject=name, marks=marks)


def target(analysis: Analysis, name: str) -> Target:
    if name not in analysis.subject_columns:
        raise NoModel(f"this file has no subject '{name}'; pick one of: {', '.join(analysis.subject_columns)}")
    marks = analysis.students[analysis.subject_columns[name]].to_numpy(dtype=float)
    if np.isnan(marks).all():
        raise NoModel(f"no student has a {name} mark, so no model can learn from it")
    mark, reason = pass_mark(analysis, name)
    return Target(name, analysis.subject_columns[name], mark, reason)


def fit_subject(analysis: Analysis, name: str) -> RiskModel:
    """The risk model of one subject. Raises NoModel with the reason when its marks cannot train one."""
    return fit_risk(analysis, target(analysis, name))
