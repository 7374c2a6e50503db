"""The 8 behavioural/context themes, built from whichever role columns the file has."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .results import THEMES
from .schema import ROLE_BY_NAME, THEME_PARTS

THEME_LABELS = {
    "Hours_Studied": "hours studied",
    "Attendance": "attendance",
    "Previous_Scores": "previous scores",
    "Motivation_Level": "motivation",
    "Resource_Access": "access to resources",
    "Family_Capital": "family support",
    "Personal_Wellbeing": "wellbeing",
    "Environmental_Stability": "environmental stability",
}


def zscore(values: pd.DataFrame) -> pd.DataFrame:
    x = values.to_numpy(dtype=float)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    return pd.DataFrame((x - x.mean(axis=0)) / std, index=values.index, columns=values.columns)


def build_themes(values: pd.DataFrame) -> pd.DataFrame:
    """Theme -> mean of its parts' z-scores (signed so that higher is always better for the student)."""
    z = zscore(values)
    themes = {}
    for theme in THEMES:
        parts = [z[role].to_numpy() * sign for role, sign in THEME_PARTS[theme] if role in z]
        if parts:
            themes[theme] = np.mean(parts, axis=0)
    return pd.DataFrame(themes, index=values.index)


def columns_for(theme: str) -> str:
    """Human hint of the columns that would feed a theme, for 'not shown' messages."""
    return " / ".join(ROLE_BY_NAME[role].label for role, _ in THEME_PARTS[theme])
