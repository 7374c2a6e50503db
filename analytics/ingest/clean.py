"""Clean mapped columns: numbers out of text, categories to levels, impossible values and blanks imputed.

Every repair is counted per column and described once, naming the column and the first row (as the row
number a spreadsheet shows: the header is row 1, so data row i is row i + 2). Text columns are handled as
categoricals, so the work grows with the number of distinct spellings, not with the number of students.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.schema import ROLE_BY_NAME, Role, norm_level
from analytics.results import sheet_row

MAX_LABEL = 60  # group labels are shown in charts; a pasted paragraph must not be


@dataclass
class Cleaned:
    frame: pd.DataFrame  # the uploaded columns, repaired and imputed, for display and export
    values: pd.DataFrame  # role -> numeric encoding (ordinal levels as numbers), no blanks
    imputed: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Text:
    """A text column as distinct stripped spellings plus one code per row (-1 = blank)."""
    labels: list[str]
    codes: np.ndarray

    @classmethod
    def of(cls, raw: pd.Series) -> "Text":
        cat = pd.Categorical(raw)
        stripped = [str(c).strip() for c in cat.categories]
        labels = sorted({s for s in stripped if s}, key=stripped.index)
        where = {s: i for i, s in enumerate(labels)}
        remap = np.array([where.get(s, -1) for s in stripped] + [-1], dtype=np.int64)
        return cls(labels, remap[cat.codes])  # code -1 (NaN) indexes the trailing -1

    def lookup(self, values: list[float]) -> np.ndarray:
        table = np.array(values + [np.nan], dtype=float)
        return table[self.codes]


def _first(mask) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def _example(raw: pd.Series, mask) -> str:
    value = str(raw.iloc[_first(mask)])
    return value if len(value) <= 30 else value[:27] + "..."


def _score_range(values: pd.Series) -> tuple[float, float]:
    # Scores come on a 0-20 scale (UCI grades) or 0-100; allow a little over the top for bonus marks.
    top = values.quantile(0.99) if values.notna().any() else 100
    return (0.0, 21.0) if top <= 20 else (0.0, 105.0)


def _number(label: str) -> float | None:
    try:
        return float(label.replace(",", ".").rstrip("%"))
    except ValueError:
        return None


def parse_value(label: str, role: Role) -> float:
    number = _number(label)
    if number is not None:
        return number
    level = role.levels.get(norm_level(label))
    return np.nan if level is None else float(level)


def _describe_levels(role: Role) -> str:
    seen, names = set(), []
    for text, value in sorted(role.levels.items(), key=lambda kv: kv[1]):
        if value not in seen and not text.isdigit():
            seen.add(value)
            names.append(text.title() if len(text) > 1 else text)
    return "/".join(names[:7])


def _group(raw: pd.Series) -> tuple[pd.Categorical, np.ndarray]:
    text = Text.of(raw)
    labels = [label[:MAX_LABEL] for label in text.labels]
    unique = list(dict.fromkeys(labels)) + ["Unknown"]
    codes = np.array([unique.index(label) for label in labels] + [len(unique) - 1])[text.codes]
    return pd.Categorical.from_codes(codes, categories=unique), text.codes < 0


def clean(frame: pd.DataFrame, mapping: dict[str, str]) -> Cleaned:
    out = frame.copy(deep=False)
    values = pd.DataFrame(index=frame.index)
    imputed: dict[str, int] = {}
    warnings: list[str] = []
    for role_name, column in mapping.items():
        role = ROLE_BY_NAME[role_name]
        raw = frame[column]
        if role.kind == "group":
            out[column], blank = _group(raw)
            if blank.any():
                imputed[column] = int(blank.sum())
                warnings.append(f"Column '{column}': {int(blank.sum())} blank cell(s), first at row "
                                f"{sheet_row(_first(blank))}; shown as 'Unknown'.")
            continue
        text = None
        if pd.api.types.is_numeric_dtype(raw):
            numbers = raw.to_numpy(dtype=float)
            unknown = np.zeros(len(raw), dtype=bool)
        else:
            text = Text.of(raw)
            label_values = [parse_value(label, role) for label in text.labels]
            numbers = text.lookup(label_values)
            unknown = np.isnan(numbers) & (text.codes >= 0)
        if unknown.any():
            what = f"not one of {_describe_levels(role)}" if role.kind == "ordinal" else "not a number"
            warnings.append(f"Column '{column}': {int(unknown.sum())} value(s) {what}, first at row "
                            f"{sheet_row(_first(unknown))} ('{_example(raw, unknown)}'); treated as blank and "
                            "filled in.")
        series = pd.Series(numbers, index=frame.index)
        low, high = (_score_range(series) if role_name in ("exam_score", "previous_score")
                     else role.valid or (-np.inf, np.inf))
        impossible = ((numbers < low) | (numbers > high))
        if impossible.any():
            warnings.append(f"Column '{column}': {int(impossible.sum())} impossible value(s) outside "
                            f"{low:g}-{high:g}, first at row {sheet_row(_first(impossible))} "
                            f"({numbers[impossible][0]:g}); treated as blank and filled in.")
            numbers = np.where(impossible, np.nan, numbers)
        missing = np.isnan(numbers)
        if missing.all():
            warnings.append(f"Column '{column}' has no usable values; ignored.")
            continue
        categorical = role.kind == "ordinal" or (text is not None and bool(role.levels))
        if missing.any():
            blanks = missing & ~unknown & ~impossible
            if blanks.any():
                warnings.append(f"Column '{column}': {int(blanks.sum())} blank cell(s), first at row "
                                f"{sheet_row(_first(blanks))}; filled in with the "
                                f"{'most common value' if categorical else 'median'}.")
            imputed[column] = int(missing.sum())
            kept = pd.Series(numbers[~missing])
            fill = float(kept.mode().iloc[0] if categorical else kept.median())
            numbers = np.where(missing, fill, numbers)
        else:
            fill = None
        numeric_text = text is not None and all(
            _number(label) is not None for label, v in zip(text.labels, label_values) if not np.isnan(v))
        if text is None or (role.kind == "numeric" and numeric_text):
            out[column] = numbers
        else:
            out[column] = _fill_text(text, label_values, missing, fill)
        values[role_name] = numbers
    return Cleaned(out, values, imputed, warnings)


def _fill_text(text: Text, label_values: list[float], missing: np.ndarray, fill: float | None) -> pd.Categorical:
    """Text levels as a categorical; imputed cells show the level they were given, in the file's spelling."""
    labels = list(text.labels)
    codes = text.codes
    if fill is not None:
        match = next((i for i, v in enumerate(label_values) if v == fill), None)
        if match is None:
            labels.append(f"{fill:g}")
            match = len(labels) - 1
        codes = np.where(missing, match, codes)
    return pd.Categorical.from_codes(codes, categories=labels).remove_unused_categories()
