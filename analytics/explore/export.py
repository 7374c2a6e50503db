"""CSV files for people to open in a spreadsheet, safe against formula injection.

A cell that starts with = + - @ (or a tab or carriage return) is run as a formula by Excel, LibreOffice and
Google Sheets; an uploaded file could carry one (OWASP "CSV Injection"). Text cells like that get a leading
apostrophe, which spreadsheets show as text. Numbers are left alone: -3 stays a number.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every risky text cell neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype(object).map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame, headers: list[str] | None = None) -> str:
    """CSV text (text quoted, numbers bare, UTF-8 BOM so Excel reads accents) with formulas neutralised."""
    safe = safe_frame(frame)
    if headers is not None:
        safe.columns = [neutralise(h) for h in headers]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    safe.to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    return buffer.getvalue()
