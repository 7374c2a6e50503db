"""Checks on who the rows are: a student id that appears twice is named with its rows, never merged or dropped."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.results import sheet_row

MAX_NAMED = 5


def duplicate_ids(frame: pd.DataFrame, column: str | None, header_row: int = 1) -> list[str]:
    """Warnings for repeated and blank ids in `column` (every row is kept as its own student)."""
    if not column or column not in frame:
        return []
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]  # per distinct id: 200k stripped strings cost a second
    stripped, key = pd.factorize(pd.Series(texts + [""]))
    ids_code = stripped[:-1][codes] if len(texts) else np.full(len(codes), -1)
    ids_code = np.where(codes < 0, stripped[-1], ids_code)
    blank = pd.Series(ids_code == stripped[-1], index=frame.index)
    ids = pd.Series(np.asarray(key, dtype=object)[ids_code], index=frame.index)
    out = []
    repeated = ids[pd.Series(ids_code, index=frame.index).duplicated(keep=False) & ~blank]
    if not repeated.empty:
        rows = pd.Series(range(len(frame)), index=frame.index)[repeated.index]
        by_id = rows.groupby(repeated.to_numpy(), sort=False).agg(list)
        named = [f"'{value}' (rows {', '.join(str(sheet_row(r, header_row)) for r in rows_of[:4])}"
                 f"{', ...' if len(rows_of) > 4 else ''})" for value, rows_of in list(by_id.items())[:MAX_NAMED]]
        more = len(by_id) - len(named)
        out.append(f"Column '{column}': {len(by_id):,} student id(s) appear on more than one row: "
                   + ", ".join(named) + (f" and {more:,} more" if more > 0 else "")
                   + "; each row is kept as its own student. Check the export for a pupil listed twice or two "
                     "pupils sharing an id.")
    if blank.any():
        first = sheet_row(int(blank.to_numpy().argmax()), header_row)
        out.append(f"Column '{column}': {int(blank.sum()):,} row(s) have no student id, first at row {first}; "
                   "they are kept, but cannot be linked to another term's file.")
    return out
