"""What the group panels compare: the measures (the outcome, then each subject, with the mark a student counts
as below) and how a group column's values read as yes/no or as SEN codes. Pure pandas/numpy."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.ingest.schema import YES_NO, norm_level
from analytics.results import Analysis

OUTCOME_SUFFIX = " (outcome)"  # the outcome copy of a subject with blanks (see analysis.analyse)
SEN_CODES = {"N": "no SEN (N)", "K": "SEN support (K)", "E": "EHC plan (E)"}


@dataclass(frozen=True)
class Measure:
    name: str  # "Combined score", "Maths"
    column: str  # the students column with its points (NaN: no mark)
    reference: float  # a student below this mark counts as below target
    basis: str  # where the reference comes from: "target", "pass mark" or "cohort median"


def measures(analysis: Analysis) -> list[Measure]:
    """The outcome first (unless it is one of the subjects, which then stands for it), then each subject."""
    students = analysis.students
    subjects = dict(analysis.subject_columns)
    by_column = {column: name for name, column in subjects.items()}
    out = []
    exam = analysis.exam_column
    if exam and exam in students and by_column.get(exam.removesuffix(OUTCOME_SUFFIX)) is None:
        out.append(_measure(analysis, exam, exam))
    for name, column in subjects.items():
        if column in students:
            out.append(_measure(analysis, name, column))
    return [m for m in out if m is not None]


def _measure(analysis: Analysis, name: str, column: str) -> Measure | None:
    values = analysis.students[column].to_numpy(dtype=float)
    if np.isnan(values).all():
        return None
    subject = analysis.column_map.subject(name) if analysis.column_map is not None else None
    if subject is not None and subject.target is not None:
        return Measure(name, column, float(subject.target), "target")
    if subject is not None and subject.effective_pass is not None:
        return Measure(name, column, float(subject.effective_pass), "pass mark")
    # whole cohort, so a cell's share means the same in every view
    return Measure(name, column, float(np.nanmedian(values)), "cohort median")


def yes_no(labels: list[str]) -> tuple[list[str], list[str]]:
    """The labels that read as yes and as no ("Y", "Yes", "TRUE", "1"...), as the school wrote them."""
    read = {label: YES_NO.get(norm_level(label)) for label in labels}
    return [k for k, v in read.items() if v == 1], [k for k, v in read.items() if v == 0]


def sen_codes(labels: list[str]) -> dict[str, list[str]]:
    """SEN code (N, K, E) -> the labels written for it ("k", " K ")."""
    out: dict[str, list[str]] = {}
    for label in labels:
        code = str(label).strip().upper()
        if code in SEN_CODES:
            out.setdefault(code, []).append(label)
    return out
