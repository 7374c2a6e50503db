"""The student table a page at a time: the grid's own column filters and sort, applied on the server.

AG Grid's infinite row model asks for rows in blocks and sends its filter model and sort model with each
request (https://www.ag-grid.com/javascript-data-grid/infinite-scrolling/). Answering here means a
cross-filter sends one block (100 rows) instead of every student in view, and the grid's filters and
sort still cover the whole view, not only the rows the browser happens to hold.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.explore.views import table_columns, table_frame
from analytics.results import OUTLIER, ROW, Analysis

TEXT_NEGATIVE = {"notContains", "notEqual"}  # a blank cell passes these, as in the grid


def column_values(analysis: Analysis, column: str, positions: np.ndarray):
    """The values the table shows in `column` for the students at `positions` (Series or ndarray)."""
    students = analysis.students
    if column == ROW:
        return analysis.sheet_row(students[ROW].to_numpy()[positions])
    if column == OUTLIER:
        return np.where(students[OUTLIER].to_numpy(dtype=bool)[positions], "Yes", "No")
    return students[column].iloc[positions]


def _text_match(text: pd.Series, kind: str, needle: str) -> pd.Series:
    if kind == "equals":
        return text == needle
    if kind == "notEqual":
        return text != needle
    if kind == "startsWith":
        return text.str.startswith(needle)
    if kind == "endsWith":
        return text.str.endswith(needle)
    if kind == "notContains":
        return ~text.str.contains(needle, regex=False)
    return text.str.contains(needle, regex=False)


def _text(values, condition: dict) -> np.ndarray:
    kind = condition.get("type") or "contains"
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if kind in ("blank", "notBlank"):
        blank = (series.isna() | (series.astype("string").str.strip() == "")).fillna(True).to_numpy(dtype=bool)
        return blank if kind == "blank" else ~blank
    needle = str(condition.get("filter") or "").lower()
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Match each category once, then look students up by code: 1M strings would take ~100x longer.
        categories = pd.Series(series.cat.categories.astype(str)).str.lower()
        hit = _text_match(categories, kind, needle).to_numpy(dtype=bool)
        codes = series.cat.codes.to_numpy()
        return np.where(codes >= 0, hit[np.maximum(codes, 0)] if len(hit) else False, kind in TEXT_NEGATIVE)
    text = series.astype("string").str.lower()
    return _text_match(text, kind, needle).fillna(kind in TEXT_NEGATIVE).to_numpy(dtype=bool)


def _number(values, condition: dict) -> np.ndarray:
    kind = condition.get("type") or "equals"
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(numbers)
    if kind in ("blank", "notBlank"):
        return missing if kind == "blank" else ~missing
    try:
        a = float(condition.get("filter"))
    except (TypeError, ValueError):
        return np.ones(len(numbers), dtype=bool)  # a half-typed filter matches everything, as in the grid
    with np.errstate(invalid="ignore"):
        if kind == "notEqual":
            return missing | (numbers != a)
        if kind == "inRange":
            try:
                b = float(condition.get("filterTo"))
            except (TypeError, ValueError):
                return np.ones(len(numbers), dtype=bool)
            low, high = min(a, b), max(a, b)
            return (numbers > low) & (numbers < high)  # the grid's inRange excludes both ends by default
        compare = {"lessThan": np.less, "lessThanOrEqual": np.less_equal, "greaterThan": np.greater,
                   "greaterThanOrEqual": np.greater_equal}.get(kind, np.equal)
        return compare(numbers, a) & ~missing


def matches(values, model: dict) -> np.ndarray:
    if "conditions" in model:  # two or more conditions joined by AND / OR
        parts = [matches(values, {"filterType": model.get("filterType"), **c}) for c in model["conditions"]]
        if not parts:
            return np.ones(len(values), dtype=bool)
        return np.logical_or.reduce(parts) if model.get("operator") == "OR" else np.logical_and.reduce(parts)
    return _number(values, model) if model.get("filterType") == "number" else _text(values, model)


def _sort_key(values) -> np.ndarray:
    """An ascending float key; blanks first, as the grid sorts them."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        return np.nan_to_num(series.to_numpy(dtype=float), nan=-np.inf)
    if isinstance(series.dtype, pd.CategoricalDtype):
        order = np.argsort(np.argsort(series.cat.categories.astype(str).str.lower(), kind="stable"))
        codes = series.cat.codes.to_numpy()
        return np.where(codes >= 0, order[np.maximum(codes, 0)] if len(order) else 0, -1).astype(float)
    lowered = series.astype("string").str.lower()
    codes, _ = pd.factorize(lowered, sort=True)
    return codes.astype(float)  # factorize gives blanks -1


def positions(analysis: Analysis, keep: np.ndarray | None = None, filter_model: dict | None = None,
              sort_model: list | None = None) -> np.ndarray:
    """Rows of the students in view (`keep`), narrowed by the grid's filters and ordered by its sort."""
    where = np.arange(analysis.rows) if keep is None else np.flatnonzero(keep)
    shown = set(table_columns(analysis))
    for column, model in (filter_model or {}).items():
        if column in shown and isinstance(model, dict) and len(where):
            where = where[matches(column_values(analysis, column, where), model)]
    keys = [(s["colId"], s.get("sort")) for s in (sort_model or [])
            if isinstance(s, dict) and s.get("colId") in shown and s.get("sort") in ("asc", "desc")]
    if keys and len(where) > 1:
        # lexsort's last key is the primary one; the row number breaks ties, so pages never overlap.
        lex = [where.astype(float)]
        for column, direction in reversed(keys):
            key = _sort_key(column_values(analysis, column, where))
            lex.append(-key if direction == "desc" else key)
        where = where[np.lexsort(lex)]
    return where


def page(analysis: Analysis, where: np.ndarray, start: int, end: int) -> pd.DataFrame:
    """The table rows for positions[start:end] (the grid's block)."""
    start = max(0, int(start))
    end = max(start, min(int(end), len(where)))
    return table_frame(analysis, positions=where[start:end])
