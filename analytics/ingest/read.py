"""Turn uploaded bytes into a DataFrame, or a DataError that says what is wrong and where."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.errors import DataError
from analytics.ingest.excel import is_workbook, read_workbook, refuse_binary_office, refuse_other_zip
from analytics.ingest.sniff import (
    SNIFF_BYTES,
    check_width,
    decode_head,
    refuse_markup,
    sniff_delimiter,
    transcode_utf16,
    utf16_without_bom,
)
from analytics.results import sheet_row

DEFAULT_MAX_BYTES = 50 * 2**20
EXACT_INTEGERS = 2.0**53  # beyond this a float no longer holds every integer, so it stays a float
PLAIN = 1e15  # below this "{:.15g}" prints a parsed number the way it was typed (up to trailing zeros)


@dataclass
class Table:
    frame: pd.DataFrame
    filename: str
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)
    # column -> number -> the text the file had, where printing the number would not give that text back
    spellings: dict[str, dict[float, str]] = field(default_factory=dict)
    header_row: int = 1  # the spreadsheet row of the header: data row i is row i + header_row + 1
    sheet: str | None = None  # the workbook sheet read (None for a CSV)
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook


def max_bytes_from_env() -> int:
    mb = os.environ.get("COHORT_ATLAS_MAX_MB")
    return int(float(mb) * 2**20) if mb else DEFAULT_MAX_BYTES


def check_size(size: int, filename: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise DataError(f"the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit; "
                        "split it or raise the limit (COHORT_ATLAS_MAX_MB)", file=filename)
    if size == 0:
        raise DataError("the file is empty; export the student table again with a header row and data",
                        file=filename)


def read_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES, sheet: str | int | None = None) -> Table:
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise DataError(f"cannot open it ({err.strerror})", file=name) from None
    check_size(size, name, max_bytes)
    with open(path, "rb") as fh:
        return read_bytes(fh.read(), name, max_bytes, sheet)


def _check_header(columns: list[str], filename: str, warnings: list[str]) -> list[int]:
    """Indexes of columns to keep: blank names get a name, later duplicates are dropped with a warning."""
    keep, seen = [], {}
    for i, col in enumerate(columns):
        key = col.strip().lower()
        if key in seen:
            warnings.append(f"Column '{col.strip()}' appears twice (columns {seen[key] + 1} and {i + 1}); "
                            f"used the first and ignored column {i + 1}.")
            continue
        seen[key] = i
        keep.append(i)
    return keep


def _unicode(data: bytes, filename: str) -> tuple[bytes, str | None]:
    """UTF-16 (Excel's "Unicode Text", with or without a byte-order mark) as UTF-8 bytes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return transcode_utf16(data, "utf-16", filename), "utf-16"
    without_bom = utf16_without_bom(data[:SNIFF_BYTES])
    if without_bom:
        return transcode_utf16(data, without_bom, filename), without_bom
    return data, None


def read_bytes(data: bytes, filename: str = "upload.csv", max_bytes: int = DEFAULT_MAX_BYTES,
               sheet: str | int | None = None) -> Table:
    """A CSV or an Excel workbook (told apart by content, not by name); `sheet` (name or 1-based number)
    chooses a workbook's sheet, by default the first with a table."""
    check_size(len(data), filename, max_bytes)
    if data.startswith(b"PK\x03\x04"):
        if not is_workbook(data):
            refuse_other_zip(data, filename)
        return _workbook_table(data, filename, max_bytes, sheet)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse_binary_office(data, filename)
    data, utf16 = _unicode(data, filename)
    head_text, encoding = decode_head(data[:SNIFF_BYTES], filename, full=len(data) <= SNIFF_BYTES)
    if not head_text.strip():
        raise DataError("the file has no text in it; export the student table again", file=filename)
    refuse_markup(head_text, filename)
    check_width(data, filename)
    warnings: list[str] = []
    if encoding != "utf-8":
        try:
            data.decode("utf-8-sig")
            encoding = "utf-8"
        except UnicodeDecodeError:
            warnings.append("The file is not UTF-8; read it as Windows-1252/Latin-1. Check accented names.")
    elif data[SNIFF_BYTES:] and not data.isascii():  # ASCII is UTF-8: no need to decode a copy to know
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "cp1252"
            warnings.append("The file is not UTF-8; read it as Windows-1252/Latin-1. Check accented names.")
    delimiter = sniff_delimiter(head_text)
    options = dict(sep=delimiter, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                   encoding_errors="replace", skipinitialspace=True)
    try:
        frame = pd.read_csv(io.BytesIO(data), header=None, nrows=1, dtype=str, keep_default_na=False, **options)
        header = [str(c) for c in frame.iloc[0].tolist()] if len(frame) else []
        keep = _check_header(header, filename, warnings)
        frame = pd.read_csv(io.BytesIO(data), header=0, skip_blank_lines=True, on_bad_lines="error",
                            low_memory=False, dtype="category", **options)
        positions = list(range(frame.shape[1]))
        if frame.shape[1] == len(header):
            frame = frame.iloc[:, keep]
            frame.columns = [header[i] for i in keep]
            positions = keep
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty; export the student table again with a header row and data",
                        file=filename) from None
    except pd.errors.ParserError as err:
        raise DataError(f"the rows do not line up with the header ({_parser_where(str(err))}); check for "
                        "stray delimiters or quotes", file=filename) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    position = dict(zip(frame.columns, positions))
    unnamed = [c for c in frame.columns if c.startswith("Unnamed:")]
    if unnamed and frame[unnamed].isna().all().all():
        frame = frame.drop(columns=unnamed)  # trailing delimiters make empty, nameless columns
    if frame.shape[1] < 2:
        raise DataError(f"found only {frame.shape[1]} column; a student table needs one column per attribute "
                        "(comma, semicolon or tab separated)", file=filename)
    if len(frame) == 0:
        raise DataError("the file has a header but no student rows", file=filename)
    warnings += merged_lines(frame, data)
    frame, odd = numbers_from_categories(frame)
    spellings = {col: _as_written(data, options, position[col], frame[col].to_numpy(float), values)
                 for col, values in odd.items()}
    return Table(frame.reset_index(drop=True), filename, utf16 or encoding, delimiter, warnings, spellings)


def _workbook_table(data: bytes, filename: str, max_bytes: int, sheet: str | int | None) -> Table:
    book = read_workbook(data, filename, max_bytes, sheet)
    warnings = book["warnings"]
    keep = _check_header(book["columns"], filename, warnings)
    frame = pd.DataFrame({book["columns"][i]: book["values"][i] for i in keep})
    where = f"sheet '{book['sheet']}'"
    if frame.shape[1] < 2:
        raise DataError(f"{where} has only {frame.shape[1]} column; a student table needs one column per "
                        "attribute", file=filename)
    if book["rows"] == 0:
        raise DataError(f"{where} has a header but no student rows", file=filename)
    return Table(frame, filename, "xlsx", "", warnings, {}, book["header_row"], book["sheet"], book["sheets"])


def merged_lines(frame: pd.DataFrame, data: bytes) -> list[str]:
    """A cell that spans lines: a quote at the start of a cell runs on to the next quote, merging rows."""
    out = []
    for col in frame.columns:
        values = frame[col]
        multi = [i for i, c in enumerate(values.cat.categories) if "\n" in str(c) or "\r" in str(c)]
        if not multi:
            continue
        hit = np.isin(values.cat.codes.to_numpy(), multi)
        first = int(np.flatnonzero(hit)[0])
        text = str(values.iloc[first]).splitlines()[0]
        example = text if len(text) <= 30 else text[:27] + "..."
        lines = sum(1 for line in data.splitlines() if line.strip()) - 1
        out.append(f"Column '{col}': {int(hit.sum()):,} cell(s) run over more than one line, first at row "
                   f"{sheet_row(first)} ('{example}...'), so the file's {lines:,} data lines were read as "
                   f"{len(frame):,} students. A cell that starts with a quote runs on to the next quote: if "
                   "that is not meant, remove the stray quote and upload again.")
    return out


def _as_written(data: bytes, options: dict, position: int, numbers: np.ndarray, odd: set[float]) -> dict[float, str]:
    """The text behind numbers too large to print as typed ("1e308"), read again from the file's column."""
    text = pd.read_csv(io.BytesIO(data), header=0, usecols=[position], dtype=str, keep_default_na=False,
                       **options).iloc[:, 0].to_numpy()
    rows = np.flatnonzero(np.isin(numbers, list(odd)))
    return {float(numbers[i]): str(text[i]).strip() for i in rows}


def numbers_from_categories(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, set[float]]]:
    """Columns whose every spelling is a number become numbers; the rest stay categorical text.

    pandas parses a category of numbers as numbers, so the text of a huge value ("1e308") is gone: such
    values are returned per column for the caller to look up as typed.

    Parsing everything as categories is twice as fast as pandas' default string columns, and later steps
    then work on each distinct spelling once instead of once per student.
    """
    out, odd = {}, {}
    for col in frame.columns:
        values = frame[col]
        categories = values.cat.categories
        if categories.dtype.kind in "iuf":  # pandas already parsed them as numbers
            numbers = categories.to_numpy(float)
        else:
            numbers = pd.to_numeric(pd.Series(categories.astype(str)).str.strip(), errors="coerce").to_numpy(float)
        if np.isnan(numbers).any():
            out[col] = values
            continue
        decoded = np.append(numbers, np.nan)[values.cat.codes.to_numpy()]  # code -1 (blank) -> NaN
        whole = len(numbers) and (numbers == np.round(numbers)).all() and (np.abs(numbers) < EXACT_INTEGERS).all()
        if whole and not np.isnan(decoded).any():
            decoded = decoded.astype(np.int64)
        out[col] = decoded
        large = numbers[~(np.abs(numbers) < PLAIN)]
        if len(large):
            odd[col] = set(large.tolist())
    return pd.DataFrame(out, index=frame.index), odd


def _parser_where(message: str) -> str:
    # pandas says "Expected 20 fields in line 7, saw 21"; keep the part a person can use.
    tail = message.strip().split("\n")[-1]
    return tail.replace("Error tokenizing data. C error: ", "")
