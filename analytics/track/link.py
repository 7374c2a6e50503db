"""Student ids per term and how the terms link: an id on two rows of one term is named and left out of linking."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import DataError
from analytics.results import Analysis, sheet_row

MAX_NAMED = 5


@dataclass
class TermIds:
    column: str
    ids: pd.Series  # per row of the term: the id as text ("" = blank)
    duplicates: list[str]  # ids on more than one row
    blank: int  # rows with no id
    first_rows: dict[str, list[int]]  # duplicate id -> its spreadsheet rows


def id_text(values: pd.Series) -> pd.Series:
    """Ids as text, stripped; whole numbers read as floats (a column with blanks) lose their '.0'."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
        whole = numbers.dropna()
        if (whole == np.round(whole)).all():
            return numbers.map(lambda v: "" if pd.isna(v) else str(int(v)))
        return numbers.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    codes, uniques = pd.factorize(values)  # per distinct id, not per row
    stripped = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    return pd.Series(stripped[codes], index=values.index)  # code -1 (blank) picks the trailing ''


def term_ids(analysis: Analysis, column: str | None) -> TermIds:
    """The term's ids from `column` (--id) or its student id column; DataError naming the file when absent."""
    if column is None:
        column = analysis.mapping.get("student_id")
        if column is None:
            raise DataError("has no student id column (such as UPN); name the column that identifies a student "
                            "with --id COLUMN", file=analysis.filename)
    elif column not in analysis.students:
        known = ", ".join(c for c in analysis.students.columns[1:12])
        raise DataError(f"has no column '{column}' to link students by (columns include: {known})",
                        file=analysis.filename)
    ids = id_text(analysis.students[column])
    codes, uniques = pd.factorize(ids)
    counts = np.bincount(codes, minlength=len(uniques))
    repeated = counts[codes] > 1
    blank = (ids == "").to_numpy()
    named = ids[repeated & ~blank]
    rows: dict[str, list[int]] = {}
    for row, value in zip(np.flatnonzero(repeated & ~blank), named):
        rows.setdefault(value, []).append(sheet_row(row))
    return TermIds(column, ids, list(rows), int(blank.sum()), rows)


def duplicate_note(term: TermIds, filename: str) -> str:
    shown = [f"'{value}' (rows {', '.join(map(str, rows[:4]))}{', ...' if len(rows) > 4 else ''})"
             for value, rows in list(term.first_rows.items())[:MAX_NAMED]]
    more = len(term.duplicates) - len(shown)
    return (f"{filename}: {len(term.duplicates):,} student id(s) in column '{term.column}' appear on more than one "
            "row: " + ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")
            + "; those students are left out of linking in every term (check the export for a pupil listed twice).")


def usable(term: TermIds, excluded: set[str]) -> pd.Series:
    """Row -> id for the rows that can be linked (no blank, no duplicate anywhere), indexed by row position."""
    ids = term.ids.reset_index(drop=True)
    keep = (ids != "") & ~ids.isin(list(excluded))
    return ids[keep].astype(object)
