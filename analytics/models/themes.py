"""The 8 behavioural/context themes, built from whichever role columns the file has."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.ingest.schema import ROLE_BY_NAME, THEME_PARTS
from analytics.results import THEME_PREFIX, THEMES, Analysis

MIN_THEMES = 2  # personas, outliers and the map need at least two themes to compare students on
# A group is called high or low on a theme only this many SD from the cohort or more (Cohen's "small"
# effect): +0.08 SD is noise, not a trait to name a persona after.
NOTABLE_SD = 0.2

THEME_LABELS = {
    "Hours_Studied": "hours studied",
    "Attendance": "attendance",
    "Previous_Scores": "previous scores",
    "Motivation_Level": "motivation",
    "Resource_Access": "access to resources",
    "Family_Capital": "family support",
    "Personal_Wellbeing": "wellbeing",
    "Environmental_Stability": "environmental stability",
    "Homework": "homework completion",
    "Behaviour": "behaviour record",
}


def _z(x: np.ndarray) -> np.ndarray:
    std = x.std()
    return (x - x.mean()) / (std if std > 0 else 1.0)


def zscore(values: pd.DataFrame) -> pd.DataFrame:
    # Column by column on contiguous 1-D arrays: several times faster than one 2-D pass over a
    # column-assembled frame, which pandas must first interleave into a new array.
    return pd.DataFrame({col: _z(values[col].to_numpy(dtype=float)) for col in values.columns},
                        index=values.index)


def build_themes(values: pd.DataFrame) -> pd.DataFrame:
    """Theme -> mean of its parts' z-scores (signed so that higher is always better for the student)."""
    themes = {}
    for theme in THEMES:
        parts = [_z(values[role].to_numpy(dtype=float)) * sign for role, sign in THEME_PARTS[theme]
                 if role in values]
        if parts:
            themes[theme] = parts[0] if len(parts) == 1 else np.mean(parts, axis=0)
    return pd.DataFrame(themes, index=values.index)


def columns_for(theme: str) -> str:
    """Human hint of the columns that would feed a theme, for 'not shown' messages."""
    return " / ".join(ROLE_BY_NAME[role].label for role, _ in THEME_PARTS[theme])


def theme_matrix(analysis: Analysis) -> np.ndarray:
    """The z_<Theme> columns of `Analysis.students` as a float32 matrix (rows = students)."""
    columns = [THEME_PREFIX + t for t in analysis.themes if THEME_PREFIX + t in analysis.students]
    if len(columns) < MIN_THEMES:
        return np.empty((analysis.rows, len(columns)), dtype=np.float32)
    return analysis.students[columns].to_numpy(dtype=np.float32)

