"""Clean mapped columns: numbers out of text, categories to levels, a few stray values and blanks imputed.

Every repair is counted per column and described once, naming the column and each stray value with its first
row (as the row number a spreadsheet shows: in a CSV the header is row 1, so data row i is row i + 2; a
workbook's header may sit lower, under a title). A column whose
values do not fit its role (more than STRAY_SHARE of them) is not repaired at all: it keeps what the school
entered and plays no role, and `unfit` says why. Text columns are handled as categoricals, so the work grows
with the number of distinct spellings, not with the number of students.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.schema import ROLE_BY_NAME, Role, norm_level
from analytics.results import sheet_row

MAX_LABEL = 60  # group labels are shown in charts; a pasted paragraph must not be
STRAY_SHARE = 0.02  # more values than this outside a role's levels or range: the column is not that role
MAX_NAMED = 10  # distinct stray values a warning names one by one


@dataclass
class Cleaned:
    frame: pd.DataFrame  # the uploaded columns, repaired and imputed, for display and export
    values: pd.DataFrame  # role -> numeric encoding (ordinal levels as numbers), no blanks
    imputed: dict[str, int] = field(default_factory=dict)
    filled: dict[str, np.ndarray] = field(default_factory=dict)  # column -> True where a number was filled in
    warnings: list[str] = field(default_factory=list)
    unfit: dict[str, str] = field(default_factory=dict)  # column -> why it does not play its role
    header_row: int = 1  # the spreadsheet row of the header, for row numbers in warnings


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


def _quote(value: str) -> str:
    value = " ".join(str(value).split())  # a cell with line breaks still makes a one-line message
    return value if len(value) <= 30 else value[:27] + "..."


def _score_scale(values: pd.Series) -> tuple[float, float]:
    """(top of the scale, most a score can be): 0-20 (UCI grades) or 0-100, a little over for bonus marks."""
    top = values.quantile(0.99) if values.notna().any() else 100
    return (20.0, 21.0) if top <= 20 else (100.0, 105.0)


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


class Cells:
    """How one column's cells are named in messages: as the file wrote them."""

    def __init__(self, text: Text | None, numbers: np.ndarray, spellings: dict[float, str], header_row: int = 1):
        self.text, self.numbers, self.spellings, self.header_row = text, numbers, spellings, header_row

    def written(self, row: int) -> str:
        if self.text is not None:
            return self.text.labels[self.text.codes[row]]
        value = float(self.numbers[row])
        return self.spellings.get(value, f"{value:.15g}")

    def named(self, mask: np.ndarray) -> str:
        """"'E' (120 cells, first at row 4), 'K' at row 9" for each distinct value under `mask`."""
        rows = np.flatnonzero(mask)
        keys = self.text.codes[rows] if self.text is not None else self.numbers[rows]
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(first)
        parts = []
        for i in order[:MAX_NAMED]:
            row = int(rows[first[i]])
            at = sheet_row(row, self.header_row)
            where = f"({counts[i]:,} cells, first at row {at})" if counts[i] > 1 else f"at row {at}"
            parts.append(f"'{_quote(self.written(row))}' {where}")
        more = len(order) - MAX_NAMED
        return ", ".join(parts) + (f", and {more:,} other value(s)" if more > 0 else "")


def clean(frame: pd.DataFrame, mapping: dict[str, str],
          spellings: dict[str, dict[float, str]] | None = None, scales: dict | None = None,
          header_row: int = 1) -> Cleaned:
    """`scales` (role -> Scale) fixes the range of a score role, such as prior attainment on KS2 80-120."""
    out = frame.copy(deep=False)
    values = pd.DataFrame(index=frame.index)
    result = Cleaned(out, values, header_row=header_row)
    for role_name, column in mapping.items():
        role = ROLE_BY_NAME[role_name]
        raw = frame[column]
        if role.kind == "group":
            _keep_as_group(result, column, raw)
            continue
        if role.kind == "id":  # identifiers are shown as entered and never become numbers
            continue
        text, label_values = None, []
        if pd.api.types.is_numeric_dtype(raw):
            numbers = raw.to_numpy(dtype=float)
            unknown = np.zeros(len(raw), dtype=bool)
        else:
            text = Text.of(raw)
            label_values = [parse_value(label, role) for label in text.labels]
            numbers = text.lookup(label_values)
            unknown = np.isnan(numbers) & (text.codes >= 0)
        cells = Cells(text, numbers, (spellings or {}).get(column, {}), header_row)
        series = pd.Series(numbers, index=frame.index)
        scale = (scales or {}).get(role_name)
        if scale is not None:
            top, high = scale.high, scale.high + (0.05 * (scale.high - scale.low)
                                         if scale.kind in ("percentage", "points20") else 0)
        else:
            top, high = _score_scale(series) if role_name in ("exam_score", "previous_score") else (None, None)
        low = scale.low if scale is not None else 0.0
        low, high = (low, high) if high is not None else (role.valid or (-np.inf, np.inf))
        with np.errstate(invalid="ignore"):
            impossible = (numbers < low) | (numbers > high)
        what = f"not one of {_describe_levels(role)}" if role.kind == "ordinal" else "not a number"
        stray = int((unknown | impossible).sum())
        if stray > STRAY_SHARE * len(raw):
            _unfit(result, column, raw, role, cells, unknown, impossible, what, (low, high))
            continue
        if top is not None:
            above = (numbers > top) & ~impossible
            if above.any():
                result.warnings.append(f"Column '{column}': {int(above.sum()):,} value(s) above {top:g}, the top "
                                       f"of its scale: {cells.named(above)}; kept as entered (bonus marks?).")
        missing = np.isnan(numbers) | impossible
        if missing.all():
            result.warnings.append(f"Column '{column}' has no usable values; ignored.")
            continue
        categorical = role.kind == "ordinal" or (text is not None and bool(role.levels))
        fill = None
        if missing.any():
            kept = pd.Series(numbers[~missing])
            fill = float(kept.mode().iloc[0] if categorical else kept.median())
            shown = _level_name(text, label_values, fill)
            how = f"the {'most common value' if categorical else 'median'} ({shown})"
            if unknown.any():
                result.warnings.append(f"Column '{column}': {int(unknown.sum()):,} value(s) {what}: "
                                       f"{cells.named(unknown)}; treated as blank and filled in with {how}.")
            if impossible.any():
                result.warnings.append(f"Column '{column}': {int(impossible.sum()):,} impossible value(s) "
                                       f"outside {low:g}-{high:g}: {cells.named(impossible)}; treated as blank "
                                       f"and filled in with {how}.")
            blanks = missing & ~unknown & ~impossible
            if blanks.any():
                result.warnings.append(f"Column '{column}': {int(blanks.sum()):,} blank cell(s), first at row "
                                       f"{sheet_row(_first(blanks), header_row)}; filled in with {how}.")
            result.imputed[column] = int(missing.sum())
            result.filled[column] = missing
            numbers = np.where(missing, fill, numbers)
        numeric_text = text is not None and all(
            _number(label) is not None for label, v in zip(text.labels, label_values) if not np.isnan(v))
        if text is None or (role.kind == "numeric" and numeric_text):
            out[column] = numbers
        else:
            out[column] = _fill_text(text, label_values, missing, fill)
        values[role_name] = numbers
    return result


def _keep_as_group(result: Cleaned, column: str, raw: pd.Series) -> None:
    result.frame[column], blank = _group(raw)
    if blank.any():
        result.imputed[column] = int(blank.sum())
        result.warnings.append(f"Column '{column}': {int(blank.sum()):,} blank cell(s), first at row "
                               f"{sheet_row(_first(blank), result.header_row)}; shown as 'Unknown'.")


def _unfit(result: Cleaned, column: str, raw: pd.Series, role: Role, cells: Cells, unknown: np.ndarray,
           impossible: np.ndarray, what: str, bounds: tuple[float, float]) -> None:
    """Too many values outside the role: keep the column as the school wrote it and say why."""
    filled = int((cells.text.codes >= 0).sum()) if cells.text is not None else int((~np.isnan(cells.numbers)).sum())
    stray = unknown | impossible
    kinds = " or ".join(k for k, m in ((what, unknown), (f"outside {bounds[0]:g}-{bounds[1]:g}", impossible))
                        if m.any())
    reason = (f"Column '{column}' is not used as {role.label}: {int(stray.sum()):,} of its {filled:,} values "
              f"({stray.sum() / max(filled, 1):.0%}) are {kinds} ({cells.named(stray)}), more than the "
              f"{STRAY_SHARE:.0%} that could be stray entries")
    if cells.text is not None:
        reason += "; it keeps its own values as a group for filters and breakdowns."
        _keep_as_group(result, column, raw)
    else:
        reason += "; its values are kept as entered."
    result.unfit[column] = reason
    result.warnings.append(reason)


def _level_name(text: Text | None, label_values: list[float], fill: float) -> str:
    match = next((label for label, v in zip(text.labels, label_values) if v == fill), None) if text else None
    return match if match is not None else f"{fill:g}"


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
    # unused levels dropped as remove_unused_categories() does, with a count per level instead of a sort
    used = np.bincount(codes[codes >= 0], minlength=len(labels)) > 0
    if not used.all():
        codes = np.where(codes >= 0, (np.cumsum(used) - 1)[np.maximum(codes, 0)], -1)
        labels = [label for label, keep in zip(labels, used) if keep]
    return pd.Categorical.from_codes(codes, categories=labels)
