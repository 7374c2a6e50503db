"""Marking scales a school's assessment columns are on, and how their values become points.

A scale is named the way staff name it (percentage, 0-20, GCSE 9-1, letters A*-U, KS2 80-120, custom
min-max). Letter and "U" grades become points on the scale's own order, and the column keeps the letters the
school entered: points are an added column, never a rewrite.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Old GCSE letters as points (U = 0 ... A* = 8); A-F school grades (US GPA style) use the same ladder, so "F"
# is 2 here, above "U". A school that means F = fail chooses the 'af' scale.
LETTERS = {"a*": 8, "a": 7, "b": 6, "c": 5, "d": 4, "e": 3, "f": 2, "g": 1, "u": 0}
AF_LETTERS = {"a": 4, "b": 3, "c": 2, "d": 1, "e": 0.5, "f": 0}
GCSE_TEXT = {"u": 0, "x": np.nan}


@dataclass(frozen=True)
class Scale:
    kind: str  # percentage, points20, gcse, letters, af, ks2, custom
    low: float
    high: float
    pass_mark: float | None  # the scale's own pass, where it has one

    @property
    def label(self) -> str:
        return {"percentage": "percentage (0-100)", "points20": "0-20", "gcse": "GCSE 9-1 (U = 0)",
                "letters": "letters A*-U (A* = 8 ... U = 0)", "af": "letters A-F (A = 4 ... F = 0)",
                "ks2": "KS2 scaled score (80-120)"}.get(self.kind, f"custom {self.low:g}-{self.high:g}")

    @property
    def levels(self) -> dict[str, float]:
        return {"gcse": GCSE_TEXT, "letters": LETTERS, "af": AF_LETTERS}.get(self.kind, {})

    def to_json(self) -> str | dict:
        return {"min": self.low, "max": self.high} if self.kind == "custom" else self.kind

    def percent(self, points: np.ndarray) -> np.ndarray:
        """Points as a share of the scale (0-100), so subjects on different scales can be compared."""
        return (points - self.low) / (self.high - self.low) * 100


NAMED = {
    "percentage": Scale("percentage", 0, 100, None),
    "points20": Scale("points20", 0, 20, 10),
    "gcse": Scale("gcse", 0, 9, 4),
    "letters": Scale("letters", 0, 8, 5),
    "af": Scale("af", 0, 4, 1),
    "ks2": Scale("ks2", 80, 120, 100),
}
ALIASES = {"percent": "percentage", "%": "percentage", "0-100": "percentage", "0-20": "points20",
           "20": "points20", "9-1": "gcse", "gcse91": "gcse", "a*-u": "letters", "a-f": "af", "80-120": "ks2"}


def parse_scale(value) -> Scale:
    """A scale from a mapping file or the panel: a name, or {"min": a, "max": b}. ValueError says what is allowed."""
    if isinstance(value, dict):
        try:
            low, high = float(value["min"]), float(value["max"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("a custom scale needs numbers 'min' and 'max'") from None
        if not high > low:
            raise ValueError(f"a custom scale needs max above min, not {low:g}-{high:g}")
        return Scale("custom", low, high, None)
    name = str(value).strip().lower()
    name = ALIASES.get(name, name)
    if name not in NAMED:
        raise ValueError(f"unknown scale '{value}'; use one of {', '.join(NAMED)} or {{\"min\": 0, \"max\": 60}}")
    return NAMED[name]


def _texts(values: pd.Series) -> set[str]:
    return {str(v).strip().lower() for v in values.dropna().unique() if str(v).strip()}


def _plain(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype)


def _number(text: str) -> float:
    try:
        return float(text.rstrip("%").replace(",", "."))
    except ValueError:
        return np.nan


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code per cell, -1 = blank; each distinct cell's stripped text): text work per spelling, not per student."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, [str(u).strip() for u in uniques]


def as_numbers(values: pd.Series) -> pd.Series:
    """Numbers where the cell is a number (text like '72' or '72%' too), NaN elsewhere."""
    if _plain(values):
        return values.astype(float)
    codes, texts = _distinct(values)
    table = np.array([_number(t) for t in texts] + [np.nan], dtype=float)
    return pd.Series(table[codes], index=values.index)


def detect_scale(values: pd.Series, name: str = "") -> Scale | None:
    """The scale a column's filled cells fit, or None when they are not marks at all."""
    filled = values.dropna()
    if filled.empty:
        return None
    numbers = as_numbers(filled)
    texts = _texts(filled[numbers.isna()])
    whole = numbers.dropna()
    mostly_numbers = len(whole) >= 0.98 * len(filled)  # a stray 'abs' does not make a mark column words
    if texts and not mostly_numbers:
        if texts <= set(GCSE_TEXT) and (whole.empty or whole.between(0, 9).all()):
            return NAMED["gcse"]
        if whole.empty and texts <= set(LETTERS):
            return NAMED["letters"]
        return None  # words, not marks
    if texts and texts <= set(GCSE_TEXT) and whole.between(0, 9).all():
        return NAMED["gcse"]
    low, high = float(whole.min()), float(whole.max())
    lowered = name.lower()
    if "ks2" in lowered or "scaled" in lowered or (low >= 80 and 105 < high <= 120):
        return NAMED["ks2"]
    if high <= 9 and (whole % 1 == 0).all() and ("grade" in lowered or "gcse" in lowered or low >= 1):
        return NAMED["gcse"]
    if high <= 20:
        return NAMED["points20"]
    if low >= 0 and high <= 105:
        return NAMED["percentage"]
    return Scale("custom", min(0.0, low), high, None)


def to_points(values: pd.Series, scale: Scale) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points, unknown, outside): points with NaN for blanks and for cells that do not fit the scale;
    `unknown` marks text that is not a grade of the scale, `outside` numbers beyond its range."""
    if _plain(values):
        numbers = values.to_numpy(dtype=float)
        unknown = np.zeros(len(numbers), dtype=bool)
    else:
        codes, texts = _distinct(values)
        levels = scale.levels
        table = [_number(t) for t in texts]
        table = [levels.get(t.lower(), np.nan) if np.isnan(v) else v for t, v in zip(texts, table)]
        # a blank cell, or X (absent in a mark sheet) on a grade scale, is no mark rather than a stray one
        stray = [np.isnan(v) and t != "" and not (levels and t.lower() == "x") for t, v in zip(texts, table)]
        numbers = np.array(table + [np.nan], dtype=float)[codes]
        unknown = np.array(stray + [False], dtype=bool)[codes]
    slack = 0.05 * (scale.high - scale.low) if scale.kind in ("percentage", "points20") else 0
    with np.errstate(invalid="ignore"):
        outside = (numbers < scale.low) | (numbers > scale.high + slack)
    return np.where(outside, np.nan, numbers), unknown, outside
