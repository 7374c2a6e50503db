"""Turn uploaded bytes into a DataFrame, or a DataError that says what is wrong and where."""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.errors import DataError

DEFAULT_MAX_BYTES = 50 * 2**20
SNIFF_BYTES = 64 * 1024
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass
class Table:
    frame: pd.DataFrame
    filename: str
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)


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


def read_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise DataError(f"cannot open it ({err.strerror})", file=name) from None
    check_size(size, name, max_bytes)
    with open(path, "rb") as fh:
        return read_bytes(fh.read(), name, max_bytes)


def _decode_head(head: bytes, filename: str) -> tuple[str, str]:
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise DataError(f"this is {what}, not a CSV file; in Excel use File > Save As > 'CSV UTF-8'",
                            file=filename)
    if b"\x00" in head:
        raise DataError("this is a binary file, not a CSV text file; export the student table as CSV",
                        file=filename)
    try:
        return head.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        # A cut in the middle of a multi-byte character at the end of the sample is still UTF-8.
        if err.start >= len(head) - 3 and len(head) == SNIFF_BYTES:
            return head[:err.start].decode("utf-8-sig"), "utf-8"
    text = head.decode("cp1252", errors="replace")
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    if bad > max(2, len(text) // 100):
        raise DataError("this does not look like a text file (too many control characters); "
                        "export the student table as CSV", file=filename)
    return text, "cp1252"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(",;\t|", key=header.count)


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


def read_bytes(data: bytes, filename: str = "upload.csv", max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    check_size(len(data), filename, max_bytes)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text" export
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise DataError("the file starts like UTF-16 text but does not decode as UTF-16; save it as "
                            "'CSV UTF-8'", file=filename) from None
    head_text, encoding = _decode_head(data[:SNIFF_BYTES], filename)
    if not head_text.strip():
        raise DataError("the file has no text in it; export the student table again", file=filename)
    warnings: list[str] = []
    if encoding != "utf-8":
        try:
            data.decode("utf-8-sig")
            encoding = "utf-8"
        except UnicodeDecodeError:
            warnings.append("The file is not UTF-8; read it as Windows-1252/Latin-1. Check accented names.")
    elif data[SNIFF_BYTES:]:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "cp1252"
            warnings.append("The file is not UTF-8; read it as Windows-1252/Latin-1. Check accented names.")
    delimiter = _sniff_delimiter(head_text)
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, encoding="utf-8-sig" if encoding == "utf-8"
                            else encoding, encoding_errors="replace", skipinitialspace=True,
                            header=None, nrows=1, dtype=str, keep_default_na=False)
        header = [str(c) for c in frame.iloc[0].tolist()] if len(frame) else []
        keep = _check_header(header, filename, warnings)
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, encoding="utf-8-sig" if encoding == "utf-8"
                            else encoding, encoding_errors="replace", skipinitialspace=True,
                            header=0, skip_blank_lines=True, on_bad_lines="error", low_memory=False,
                            dtype="category")
        if frame.shape[1] == len(header):
            frame = frame.iloc[:, keep]
            frame.columns = [header[i] for i in keep]
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty; export the student table again with a header row and data",
                        file=filename) from None
    except pd.errors.ParserError as err:
        raise DataError(f"the rows do not line up with the header ({_parser_where(str(err))}); check for "
                        "stray delimiters or quotes", file=filename) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = _numbers_from_categories(frame)
    unnamed = [c for c in frame.columns if c.startswith("Unnamed:")]
    if unnamed and frame[unnamed].isna().all().all():
        frame = frame.drop(columns=unnamed)  # trailing delimiters make empty, nameless columns
    if frame.shape[1] < 2:
        raise DataError(f"found only {frame.shape[1]} column; a student table needs one column per attribute "
                        "(comma, semicolon or tab separated)", file=filename)
    if len(frame) == 0:
        raise DataError("the file has a header but no student rows", file=filename)
    return Table(frame.reset_index(drop=True), filename, encoding, delimiter, warnings)


def _numbers_from_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every spelling is a number become numbers; the rest stay categorical text.

    Parsing everything as categories is twice as fast as pandas' default string columns, and later steps
    then work on each distinct spelling once instead of once per student.
    """
    out = {}
    for col in frame.columns:
        values = frame[col]
        categories = values.cat.categories
        numbers = pd.to_numeric(pd.Series(categories.astype(str)).str.strip(), errors="coerce").to_numpy(float)
        if np.isnan(numbers).any():
            out[col] = values
            continue
        decoded = np.append(numbers, np.nan)[values.cat.codes.to_numpy()]  # code -1 (blank) -> NaN
        if len(numbers) and (numbers == np.round(numbers)).all() and not np.isnan(decoded).any():
            decoded = decoded.astype(np.int64)
        out[col] = decoded
    return pd.DataFrame(out, index=frame.index)


def _parser_where(message: str) -> str:
    # pandas says "Expected 20 fields in line 7, saw 21"; keep the part a person can use.
    tail = message.strip().split("\n")[-1]
    return tail.replace("Error tokenizing data. C error: ", "")
