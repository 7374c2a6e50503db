"""Which students a question is about: category conditions (Gender is Female), number conditions (Exam_Score
below 60) and the columns a question may name. Shared by the parser and by Gemini's tools, so both filter
students the same way and describe the filter in the same words."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.schema import norm
from analytics.results import PERSONA, ROW, THEME_PREFIX, TRAJECTORY, Analysis

MAX_LEVELS = 30
OPS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "equal to", "between": "between"}
YES = {"y", "yes", "true", "1", "1.0"}
NO = {"n", "no", "false", "0", "0.0"}


@dataclass(frozen=True)
class Range:
    """A condition on a numeric column; `between` includes both ends."""
    column: str
    op: str
    value: float
    high: float | None = None
    basis: str = ""  # how the number was read, when not as typed ("the mean in view")

    def mask(self, values: np.ndarray) -> np.ndarray:
        if self.op == "between":
            return (values >= self.value) & (values <= self.high)
        return {"<": values < self.value, "<=": values <= self.value, ">": values > self.value,
                ">=": values >= self.value, "==": values == self.value}[self.op]

    def describe(self) -> str:
        if self.op == "between":
            text = f"{self.column} between {number(self.value)} and {number(self.high)}"
        else:
            text = f"{self.column} {OPS[self.op]} {number(self.value)}"
        return text + (f" ({self.basis})" if self.basis else "")


@dataclass
class Where:
    categories: dict[str, list[str]] = field(default_factory=dict)  # column -> any of these values
    ranges: list[Range] = field(default_factory=list)

    def mask(self, analysis: Analysis, keep: np.ndarray | None = None) -> np.ndarray:
        mask = np.ones(analysis.rows, dtype=bool) if keep is None else keep.copy()
        for column, values in self.categories.items():
            mask &= analysis.students[column].astype(str).isin(values).to_numpy()
        for condition in self.ranges:
            mask &= condition.mask(analysis.students[condition.column].to_numpy(dtype=float))
        return mask

    def describe(self) -> str:
        parts = [f"{c} is {' or '.join(v)}" for c, v in self.categories.items()]
        return " and ".join(parts + [r.describe() for r in self.ranges]) or "all students in view"

    def without(self, column: str) -> "Where":
        return Where({c: v for c, v in self.categories.items() if c != column}, list(self.ranges))

    def columns(self) -> list[str]:
        return list(self.categories) + [r.column for r in self.ranges]


def number(value: float) -> str:
    return f"{value:g}"


def imputed_note(analysis: Analysis, where: Where) -> str:
    """Blank cells the upload filled in are counted under the value they were given; say so, per column."""
    filled = [(c, analysis.imputed[c]) for c in dict.fromkeys(where.columns()) if analysis.imputed.get(c)]
    return " ".join(f"({n:,} blank {c} cells were filled in on upload and are counted as filled.)" for c, n in filled)


def measures(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> numeric column (the uploaded ones; theme z-scores and row numbers left out)."""
    out = {}
    hidden = set(analysis.identifier_columns)
    for column in analysis.students.columns:
        values = analysis.students[column]
        if column == ROW or column.startswith(THEME_PREFIX) or isinstance(values.dtype, pd.CategoricalDtype) \
                or column in hidden:
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) and \
                not column.lower().endswith("_id"):
            out[norm(column)] = column
    for role, column in analysis.mapping.items():
        if column in analysis.students and norm(column) in out:
            out.setdefault(norm(role), column)
    return out


def groupings(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> grouping column (persona, trajectory, gender, school type, other categories)."""
    out = {}
    hidden = set(analysis.identifier_columns)  # a class of 20 has 20 names: never a grouping, never sent anywhere
    for column in analysis.students.columns:
        values = analysis.students[column]
        if column.startswith(THEME_PREFIX) or column == ROW or column in hidden:
            continue
        if (isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object) and \
                values.nunique() <= MAX_LEVELS:
            out[norm(column)] = column
    for word, column in (("persona", PERSONA), ("trajectory", TRAJECTORY), ("gender", analysis.gender_column),
                         ("sex", analysis.gender_column), ("school", analysis.school_column),
                         ("schooltype", analysis.school_column)):
        if column and column in analysis.students:
            out[word] = column
    for role, column in analysis.mapping.items():
        if norm(column) in out:
            out.setdefault(norm(role), column)
    return out


def levels(analysis: Analysis, column: str) -> list[str]:
    values = analysis.students[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return sorted({str(v) for v in values.dropna().unique()})


def yes_no(analysis: Analysis, column: str) -> tuple[str, str] | None:
    """(yes value, no value) as the column spells them, for a two-valued yes/no column (FSM Y/N, 0/1)."""
    if column not in set(groupings(analysis).values()) | set(measures(analysis).values()) or \
            column in (PERSONA, TRAJECTORY) or analysis.students[column].nunique() != 2:
        return None
    found = levels(analysis, column)
    yes = [v for v in found if v.lower() in YES]
    no = [v for v in found if v.lower() in NO]
    return (yes[0], no[0]) if len(yes) == 1 and len(no) == 1 else None


def from_tool_args(analysis: Analysis, conditions: dict | None, numeric: list | None) -> Where:
    """A Where from Gemini's arguments; an unknown column or value is a ValueError naming it (never dropped,
    which would answer about more students than asked)."""
    groups, numbers = set(groupings(analysis).values()), set(measures(analysis).values())
    where = Where()
    for column, values in (conditions or {}).items():
        if column in numbers and yes_no(analysis, column):
            pass
        elif column not in groups:
            raise ValueError(f"no grouping column {column!r}; use the names given")
        values = [str(v) for v in (values if isinstance(values, list) else [values])]
        known = levels(analysis, column)
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ValueError(f"{column} has no value {unknown[0]!r}; its values are {known[:MAX_LEVELS]}")
        where.categories[column] = values
    for item in numeric or []:
        column, op = item.get("column"), item.get("op")
        if column not in numbers:
            raise ValueError(f"no numeric column {column!r}; use the names given")
        if op not in OPS:
            raise ValueError(f"op must be one of {list(OPS)}")
        try:
            value = float(item["value"])
            high = float(item["high"]) if op == "between" else None
        except (KeyError, TypeError, ValueError):
            raise ValueError("a numeric condition needs a number 'value' (and 'high' for between)") from None
        where.ranges.append(Range(column, op, value, high))
    return where
