"""What a benchmark needs from a school's file: group columns as written, and each measured thing's values.

Values are what the school entered: a subject's points (blank = no mark), a numeric role's numbers with the cells
the upload filled in left out. `from_analysis` takes them from the dashboard's analysis; `load_school` reads a
file with the same mapping steps but no models, so the command line answers in a second on a large export.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.defaults import min_group
from analytics.ingest.clean import clean
from analytics.ingest.mapping import apply_choices, detect
from analytics.ingest.read import DEFAULT_MAX_BYTES, read_path
from analytics.ingest.scales import Scale
from analytics.ingest.schema import ROLE_BY_NAME, ROLES
from analytics.ingest.subjects import subject_marks
from analytics.results import Analysis


@dataclass
class Values:
    name: str  # the subject's name, or the role's column ("Attendance %")
    column: str
    values: np.ndarray  # float, NaN = no value
    scale: Scale | None  # subjects only
    role: str | None = None  # numeric roles only


@dataclass
class School:
    filename: str
    frame: pd.DataFrame  # the file's cells (group columns as the school wrote them)
    roles: dict[str, str]  # role -> column
    measured: list[Values] = field(default_factory=list)
    min_group: int = field(default_factory=min_group)

    @property
    def rows(self) -> int:
        return len(self.frame)


def _numeric_roles(roles: dict[str, str], skip: set[str]) -> list[tuple[str, str]]:
    return [(r.name, roles[r.name]) for r in ROLES
            if r.kind == "numeric" and r.name in roles and r.name not in skip]


def from_analysis(analysis: Analysis) -> School:
    students = analysis.students
    measured = []
    if analysis.column_map is not None:
        for subject in analysis.column_map.subjects:
            column = analysis.subject_columns.get(subject.name)
            if column is not None:
                measured.append(Values(subject.name, subject.column,
                                       students[column].to_numpy(dtype=float, na_value=np.nan), subject.scale))
    # an outcome the app made (combined score, a subject's copy) is not something the school entered
    own = set(analysis.column_map.roles) if analysis.column_map is not None else set(analysis.mapping)
    for role, column in _numeric_roles(analysis.mapping, {r for r in analysis.mapping if r not in own}):
        measured.append(Values(column, column, analysis.entered(column), None, role))
    return School(analysis.filename, students, dict(analysis.mapping), measured)


def load_school(path: str, choices: dict | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                sheet: str | None = None) -> School:
    table = read_path(path, max_bytes, sheet)
    return school_from_frame(table.frame, table.filename, choices, table.spellings)


def school_from_frame(frame: pd.DataFrame, filename: str, choices: dict | None = None,
                      spellings: dict | None = None) -> School:
    column_map = apply_choices(detect(frame), choices, [str(c) for c in frame.columns],
                               source=f"the mapping for {os.path.basename(filename)}")
    roles = dict(column_map.roles)
    cleaned = clean(frame, roles, spellings or {}, column_map.scales)
    roles = {r: c for r, c in roles.items() if r in cleaned.values or ROLE_BY_NAME[r].kind in ("group", "id")}
    marks = subject_marks(frame, column_map.subjects)
    measured = []
    for subject in marks.kept:
        column = marks.points[subject.name]
        points = marks.added[column] if column in marks.added else frame[column]
        measured.append(Values(subject.name, subject.column,
                               pd.to_numeric(points, errors="coerce").to_numpy(dtype=float, na_value=np.nan),
                               subject.scale))
    for role, column in _numeric_roles(roles, set()):
        values = pd.to_numeric(cleaned.frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        filled = cleaned.filled.get(column)
        measured.append(Values(column, column, values if filled is None else np.where(filled, np.nan, values),
                               None, role))
    return School(os.path.basename(filename), frame, roles, measured)
