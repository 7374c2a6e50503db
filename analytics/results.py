"""Plain result objects returned by the analytics layer (no Dash, no plotting)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from analytics.ingest.mapping import ColumnMap
    from analytics.models.persona_model import PersonaModel
    from analytics.predict.progress import Progress

THEMES = [
    "Hours_Studied",
    "Attendance",
    "Previous_Scores",
    "Motivation_Level",
    "Resource_Access",
    "Family_Capital",
    "Personal_Wellbeing",
    "Environmental_Stability",
    "Homework",
    "Behaviour",
]

# Columns the analysis adds to `Analysis.students`; everything else is the uploaded data, cleaned.
ROW = "row"  # 0-based data row in the uploaded file
PERSONA = "Persona"
PERSONA_ID = "persona_id"
TRAJECTORY = "Trajectory"
TRAJECTORY_ID = "trajectory_id"
OUTLIER = "Outlier"  # True for a student DBSCAN finds in no dense group
THEME_PREFIX = "z_"  # z_<Theme>: the student's standardised theme value (cohort-wide scaling)


@dataclass
class Persona:
    id: int  # 0 = highest mean exam score
    name: str
    description: str
    size: int
    share: float
    mean_exam_score: float | None
    centroid: dict[str, float]  # theme -> z value


@dataclass
class Trajectory:
    id: int  # 0 = highest mean exam score
    name: str
    description: str
    size: int
    share: float
    mean_previous_score: float
    mean_exam_score: float
    centroid: dict[str, float]  # {"previous_score": z, "exam_score": z}


@dataclass
class OutlierItem:
    row: int  # 0-based data row
    reasons: list[str]  # theme names, strongest first
    details: list[str]  # the same reasons in words, with values
    gap: float  # distance from the nearest dense group, in standard deviations


@dataclass
class Outliers:
    count: int
    method: str
    params: dict
    items: list[OutlierItem]  # most unusual first
    flags: np.ndarray = field(repr=False)  # bool per student

    def to_dict(self) -> dict:
        return {"count": self.count, "method": self.method, "params": self.params,
                "items": [{"row": i.row, "reasons": i.reasons, "details": i.details, "gap": i.gap}
                          for i in self.items]}


@dataclass
class Analysis:
    dataset_id: str
    filename: str
    rows: int
    mapping: dict[str, str]  # role -> column in the file
    imputed: dict[str, int]  # column -> cells filled in
    themes: list[str]  # themes the personas were fitted on
    personas: list[Persona]
    trajectories: list[Trajectory]
    silhouette: dict[str, float]  # model -> silhouette score
    skipped: dict[str, str]  # model -> reason it was not run
    warnings: list[str]
    timings: dict[str, float]
    students: pd.DataFrame = field(repr=False)
    outliers: Outliers | None = None
    unmapped: dict[str, str] = field(default_factory=dict)  # column -> why it plays no role
    column_map: ColumnMap | None = field(default=None, repr=False)  # roles, subjects, identifiers, ignored
    subject_columns: dict[str, str] = field(default_factory=dict)  # subject -> students column with its points
    filled: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # column -> cells filled in on upload

    def entered(self, column: str) -> np.ndarray:
        """The column's numbers as the school entered them: NaN where a blank or stray cell was filled in."""
        values = pd.to_numeric(self.students[column], errors="coerce").to_numpy(dtype=float)
        filled = self.filled.get(column)
        return values if filled is None else np.where(filled, np.nan, values)
    progress: Progress | None = field(default=None, repr=False)  # per student, against prior attainment
    # the fitted personas' scaling and centres, to place a later term on them (None: no personas fitted)
    persona_model: PersonaModel | None = field(default=None, repr=False)

    @property
    def identifier_columns(self) -> list[str]:
        """Columns naming a student (UPN, name...): shown to staff, never modelled or sent to an AI provider."""
        if self.column_map is None:
            return []
        roles = [self.mapping[r] for r in ("student_id", "name") if r in self.mapping]
        return list(dict.fromkeys(roles + self.column_map.identifiers))
    header_row: int = 1  # the spreadsheet row of the header (a workbook may have a title above it)
    sheet: str | None = None  # the workbook sheet read; None for a CSV
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook

    def sheet_row(self, data_row):
        """The spreadsheet row of a 0-based data row (an int or an array of them)."""
        return sheet_row(data_row, self.header_row)

    @property
    def gender_column(self) -> str | None:
        return self.mapping.get("gender")

    @property
    def school_column(self) -> str | None:
        return self.mapping.get("school_type")

    @property
    def exam_column(self) -> str | None:
        return self.mapping.get("exam_score")

    @property
    def previous_column(self) -> str | None:
        return self.mapping.get("previous_score")

    @property
    def outcome_label(self) -> str:
        """How text names the outcome: "exam score" for the file's own, else the column standing in for it."""
        return outcome_label(self.column_map, self.exam_column)

    @property
    def imputed_cells(self) -> int:
        return int(sum(self.imputed.values()))

    def weakest_trajectory(self) -> Trajectory | None:
        """The trajectory with the lowest mean exam score (by definition, whatever its name suggests: on the
        Kaggle file "Declining" ends lower than "Consistently low")."""
        return min(self.trajectories, key=lambda t: t.mean_exam_score) if self.trajectories else None

    def to_dict(self) -> dict:
        return {
            "dataset_id": self.dataset_id,
            "file": self.filename,
            "rows": self.rows,
            "mapping": self.mapping,
            "unmapped": self.unmapped,
            **(self.column_map.to_dict() | {"mapping": self.mapping} if self.column_map else {}),
            "imputed": self.imputed,
            "themes": self.themes,
            "personas": [asdict(p) for p in self.personas],
            "trajectories": [asdict(t) for t in self.trajectories],
            "silhouette": self.silhouette,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "timings": self.timings,
            **({"outliers": self.outliers.to_dict()} if self.outliers else {}),
            **({"sheet": self.sheet, "sheets": self.sheets, "header_row": self.header_row} if self.sheet else {}),
        }


def outcome_label(columns: ColumnMap | None, outcome: str | None) -> str:
    if outcome is None or columns is None or "exam_score" in columns.roles:
        return "exam score"
    return outcome.replace(" (outcome)", "").replace("_", " ").lower()


def sheet_row(data_row, header_row: int = 1):
    """The row a spreadsheet shows for 0-based data row `data_row` (an int or an array), below the header
    on `header_row` (row 1 in a CSV)."""
    return (int(data_row) if isinstance(data_row, (int, np.integer)) else data_row) + header_row + 1
