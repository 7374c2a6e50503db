"""Everything the profile card shows for one student, as plain data."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.explore.neighbours import similar, theme_percentiles
from analytics.explore.views import table_frame
from analytics.models.themes import THEME_LABELS
from analytics.results import OUTLIER, PERSONA, THEME_PREFIX, TRAJECTORY, Analysis

SIMILAR = 6


@dataclass
class Profile:
    row: int  # 0-based data row
    sheet_row: int  # as a spreadsheet numbers it (header = row 1 in a CSV)
    persona: str | None
    persona_description: str | None
    trajectory: str | None
    attributes: list[tuple[str, object]]  # uploaded column -> cleaned value, in file order
    themes: list[dict]  # {"theme", "label", "z", "percentile"}
    outlier: bool
    outlier_reasons: list[str] = field(default_factory=list)
    similar: pd.DataFrame | None = None
    first_row: int = 2  # the spreadsheet row of data row 0, to number the similar students


def student_profile(analysis: Analysis, row: int, k: int = SIMILAR, among: np.ndarray | None = None) -> Profile:
    """Raises ValueError for a row the dataset does not have. `among` (True per student) limits the similar
    students to those rows (a teacher's classes)."""
    if not 0 <= int(row) < analysis.rows:
        raise ValueError(f"row {row} is not in this dataset of {analysis.rows:,} students")
    row = int(row)
    record = table_frame(analysis, keep=_only(analysis, row)).iloc[0]
    skip = {"row", PERSONA, TRAJECTORY}
    attributes = [(col, record[col]) for col in record.index if col not in skip and col != OUTLIER]
    student = analysis.students.iloc[row]
    persona = str(student[PERSONA]) if PERSONA in analysis.students else None
    described = next((p.description for p in analysis.personas if p.name == persona), None)
    percentiles = theme_percentiles(analysis, row) if analysis.personas else {}
    themes = [{"theme": t, "label": THEME_LABELS.get(t, t), "z": float(student[THEME_PREFIX + t]),
               "percentile": float(percentiles.get(t, float("nan")))}
              for t in analysis.themes if THEME_PREFIX + t in analysis.students]
    item = next((i for i in (analysis.outliers.items if analysis.outliers else []) if i.row == row), None)
    return Profile(
        row=row, sheet_row=analysis.sheet_row(row), first_row=analysis.sheet_row(0), persona=persona,
        persona_description=described,
        trajectory=str(student[TRAJECTORY]) if TRAJECTORY in analysis.students else None,
        attributes=attributes, themes=themes, outlier=item is not None,
        outlier_reasons=list(item.details) if item else [],
        similar=similar(analysis, row, k, among) if analysis.personas else None,
    )


def _only(analysis: Analysis, row: int) -> np.ndarray:
    keep = np.zeros(analysis.rows, dtype=bool)
    keep[row] = True
    return keep
