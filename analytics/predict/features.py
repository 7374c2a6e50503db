"""Model inputs from a cleaned student table: every pre-exam column, as numbers.

Known ordinal roles (Low/Medium/High, Yes/No...) keep their order as numbers; other text columns become
categories; identifiers (names, ids, one value per student) and the analysis' own columns are left out.
A spec fitted on one file encodes another (next term's cohort): columns are matched by role, then by name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.clean import parse_value
from analytics.ingest.schema import IDENTIFIER_NAME, ROLE_BY_NAME
from analytics.results import OUTLIER, PERSONA, PERSONA_ID, ROW, THEME_PREFIX, TRAJECTORY, TRAJECTORY_ID, Analysis

MAX_LEVELS = 50  # a text column with more distinct values is free text or an identifier, not a category
ID_NAME = IDENTIFIER_NAME
CAMEL_ID = re.compile(r"[a-z](ID|Id)$")  # StudentID, pupilId
_ADDED = {ROW, PERSONA, PERSONA_ID, TRAJECTORY, TRAJECTORY_ID, OUTLIER}


@dataclass
class FeatureSpec:
    columns: list[str]  # names as in the file the model was fitted on
    kinds: dict[str, str]  # column -> "number" or "category"
    roles: dict[str, str] = field(default_factory=dict)  # column -> role, where the column has a known role
    levels: dict[str, list[str]] = field(default_factory=dict)  # category column -> its categories
    reference: dict[str, float] = field(default_factory=dict)  # typical value (median / most common code)

    @property
    def categorical(self) -> np.ndarray:
        return np.array([self.kinds[c] == "category" for c in self.columns], dtype=bool)

    def role_column(self, role: str) -> str | None:
        return next((c for c, r in self.roles.items() if r == role), None)


def _identifier(name: str, values: pd.Series) -> bool:
    if ID_NAME.search(str(name).strip()) or CAMEL_ID.search(str(name).strip()):
        return True
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        numbers = values.dropna()
        # a running number, one per student
        return len(numbers) > 20 and numbers.is_unique and bool((numbers % 1 == 0).all())
    return values.nunique(dropna=True) > MAX_LEVELS


def _role_numbers(values: pd.Series, role: str) -> np.ndarray:
    """A role column as the numbers cleaning gave it (ordinal text through the role's levels)."""
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        return values.to_numpy(dtype=float)
    cat = pd.Categorical(values)
    table = np.array([parse_value(str(c), ROLE_BY_NAME[role]) for c in cat.categories] + [np.nan], dtype=float)
    return table[cat.codes]


def category_codes(values: pd.Series, levels: list[str]) -> np.ndarray:
    """Each value's position in `levels` as text (-1 when blank or not a level). A categorical column is
    mapped through its few categories instead of turning every cell into text (0.3 s a column at 660k rows)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and len(set(levels)) == len(levels):
        table = np.append(pd.Index(levels).get_indexer(values.cat.categories.astype(str)), -1)
        return table[values.cat.codes.to_numpy()]  # code -1 (blank) picks the appended -1
    return pd.Categorical(values.astype(str), categories=levels).codes


def subject_inputs(analysis: Analysis) -> set[str]:
    """Every column holding a subject's marks, as entered and as points."""
    columns = analysis.column_map
    return {s.column for s in columns.subjects} | set(analysis.subject_columns.values()) if columns else set()


def fit_spec(analysis: Analysis, exclude: tuple[str, ...] = ()) -> FeatureSpec:
    """Which columns feed the model and how. `exclude` drops more columns by name (e.g. G2 for a protocol)."""
    students = analysis.students
    role_of = {column: role for role, column in analysis.mapping.items()}
    # subject marks are outcomes, not inputs: the combined score is made of them, and a mock predicting
    # itself would hide the students the model should find
    skip = set(_ADDED) | {analysis.exam_column} | set(exclude) | subject_inputs(analysis)
    columns, kinds, roles, levels, reference = [], {}, {}, {}, {}
    for column in students.columns:
        if column in skip or column.startswith(THEME_PREFIX):
            continue
        values = students[column]
        role = role_of.get(column)
        if (role is None or ROLE_BY_NAME[role].kind == "id") and (role is not None or _identifier(column, values)):
            continue
        if role is not None and ROLE_BY_NAME[role].kind != "group":
            numbers = _role_numbers(values, role)
            if np.isnan(numbers).all():
                continue
            kinds[column], roles[column] = "number", role
            reference[column] = float(np.nanmedian(numbers))
        elif pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
            kinds[column] = "number"
            reference[column] = float(values.median())
        else:
            names = [str(c) for c in pd.Categorical(values).categories]
            if not 1 < len(names) <= MAX_LEVELS:
                continue
            kinds[column], levels[column] = "category", names
            if role is not None:
                roles[column] = role
            codes = category_codes(values, names)
            reference[column] = float(np.bincount(codes[codes >= 0]).argmax())
        columns.append(column)
    return FeatureSpec(columns, kinds, roles, levels, reference)


def source_column(spec, column: str, analysis: Analysis) -> str | None:
    """The column of `analysis` that feeds spec column `column`: the same role first, then the same name."""
    role = spec.roles.get(column)
    if role is not None and analysis.mapping.get(role) in analysis.students:
        return analysis.mapping[role]
    return column if column in analysis.students else None


def encode(spec: FeatureSpec, analysis: Analysis, rows: np.ndarray | None = None) -> np.ndarray:
    """The model matrix (students x spec columns, float; NaN where unknown or missing)."""
    students = analysis.students if rows is None else analysis.students.iloc[rows]
    out = np.full((len(students), len(spec.columns)), np.nan)
    for j, column in enumerate(spec.columns):
        source = source_column(spec, column, analysis)
        if source is None:
            continue
        values = students[source]
        if spec.kinds[column] == "category":
            codes = category_codes(values, spec.levels[column])
            out[:, j] = np.where(codes >= 0, codes, np.nan)
        elif column in spec.roles:
            out[:, j] = _role_numbers(values, spec.roles[column])
        else:
            out[:, j] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return out


def missing_columns(spec, analysis: Analysis) -> list[str]:
    return [c for c in spec.columns if source_column(spec, c, analysis) is None]


MIN_COVERAGE = 0.5  # a model may score another file only if that file has at least half of its input columns


def coverage(spec, analysis: Analysis) -> float:
    """Share of the model's input columns that `analysis` has (matched by role, then by name). `spec` is a
    FeatureSpec or anything else with its `columns` and `roles`, such as a stored model's summary."""
    return 1 - len(missing_columns(spec, analysis)) / len(spec.columns) if spec.columns else 0.0
