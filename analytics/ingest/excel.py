"""Excel workbooks (.xlsx, .xlsm) in: choose a sheet, find its header row, keep each cell as the school typed it.

Cells come typed from the workbook, so nothing is guessed from text: a number stays a number, a cell stored as
text stays text (a UPN "0123" keeps its leading zero), dates become ISO text. python-calamine reads the file;
it is a compiled reader that never evaluates formulas (it takes the values Excel saved with them).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd

from analytics.errors import DataError
from analytics.ingest.sniff import MAX_COLUMNS

UNZIPPED_PER_BYTE = 8  # an .xlsx unzips to a few times its size; far more is a zip bomb, not a student table
HEADER_SEARCH = 30  # rows looked at for the header: title rows above a table are few
EXACT_INTEGERS = 2.0**53
AS_XLSX = "in Excel use File > Save As > 'Excel Workbook (.xlsx)' or 'CSV UTF-8'"
CHOOSE = "choose another with the Sheet menu under the upload, or --sheet on the command line"


def is_workbook(data: bytes) -> bool:
    """A zip whose parts include a spreadsheet workbook (an .xlsx under any name)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "xl/workbook.xml" in names


def _locked(filename: str) -> DataError:
    return DataError("the workbook is protected with a password; open it in Excel, remove the password (File > "
                     "Info > Protect Workbook > Encrypt with Password) and save it again, or save it as 'CSV UTF-8'",
                     file=filename)


def refuse_binary_office(data: bytes, filename: str) -> None:
    """An OLE compound file is an old .xls, or an .xlsx locked with a password (Excel wraps those in one)."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _locked(filename)
    raise DataError(f"this is an Excel 97-2003 workbook (.xls), which is not read here; {AS_XLSX}", file=filename)


def refuse_other_zip(data: bytes, filename: str) -> None:
    """A zip that is not an .xlsx: say what it is when it can be told."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataError(f"the workbook is damaged or not finished uploading (it does not open as a zip file); "
                        f"{AS_XLSX} and upload again", file=filename) from None
    if "xl/workbook.bin" in names:
        what = "an Excel binary workbook (.xlsb)"
    elif "content.xml" in names:
        what = "an OpenDocument file (.ods or .odt)"
    elif "word/document.xml" in names:
        what = "a Word document"
    else:
        what = "a zip file"
    raise DataError(f"this is {what}, not an .xlsx workbook or a CSV file; {AS_XLSX}", file=filename)


def _check_unzipped(data: bytes, filename: str, max_bytes: int) -> None:
    size = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    if size > UNZIPPED_PER_BYTE * max_bytes:
        raise DataError(f"the workbook unpacks to {size / 2**20:,.0f} MB, over the {UNZIPPED_PER_BYTE * max_bytes / 2**20:,.0f} "
                        "MB a workbook may hold here; save the student sheet alone as CSV", file=filename)


def _cell(value):
    """A cell as the table keeps it: a number, text, or None for blank."""
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return None if value != value else float(value)  # NaN never comes from Excel; keep blanks blank
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    text = str(value)
    return text if text.strip() else None


def _filled(row: list) -> list[int]:
    return [i for i, v in enumerate(row) if v is not None]


def find_header(rows: list[list], need_data: bool = True) -> int | None:
    """Index of the header row: the first of the top rows whose cells are mostly distinct text, filling most
    of the table's width, and followed by a row of data (unless not `need_data`). None when there is none."""
    for r in range(min(len(rows), HEADER_SEARCH)):
        filled = _filled(rows[r])
        if len(filled) < 2:
            continue  # a title, a date stamp, a blank row
        below = next((row for row in rows[r + 1:] if _filled(row)), None)
        if below is None and need_data:
            return None
        below = below or []
        width = max(len(_filled(row)) for row in rows[r:r + 50])
        texts = [str(rows[r][i]).strip().lower() for i in filled if isinstance(rows[r][i], str)]
        wider_names_below = (len(_filled(below)) > len(filled)
                             and all(isinstance(below[i], str) for i in _filled(below)))  # a title above them
        if (len(filled) >= max(2, width / 2) and len(texts) >= 0.8 * len(filled)
                and len(set(texts)) >= 0.8 * len(texts) and not wider_names_below):
            return r
    return None


def _column(cells: list) -> pd.Series | np.ndarray:
    """Numbers when every filled cell is a number (integers when whole and none blank), else categorical text
    with numbers written as Excel shows them."""
    numbers = [v for v in cells if isinstance(v, float)]
    if len(numbers) == sum(v is not None for v in cells):
        values = np.array([np.nan if v is None else v for v in cells], dtype=float)
        whole = not np.isnan(values).any() and (values == np.round(values)).all() and (np.abs(values) < EXACT_INTEGERS).all()
        return values.astype(np.int64) if whole and len(values) else values
    text = [v if v is None or isinstance(v, str) else
            (str(int(v)) if v == round(v) and abs(v) < EXACT_INTEGERS else f"{v:.15g}") for v in cells]
    return pd.Series(text, dtype="category")


def _open(data: bytes, filename: str):
    import python_calamine  # imported here: a CSV upload never needs it

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _locked(filename) from None
    except Exception as err:  # a damaged file can fail anywhere inside the reader; one line is enough
        raise DataError(f"the workbook could not be read ({_first_line(err)}); it may be damaged: {AS_XLSX} "
                        "and upload that", file=filename) from None


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return lines[0][:80] if lines else type(err).__name__


def _rows(book, name: str, filename: str) -> list[list]:
    try:
        sheet = book.get_sheet_by_name(name)
        if sheet.width > MAX_COLUMNS:
            raise DataError(f"sheet '{name}' has {sheet.width:,} columns, more than the {MAX_COLUMNS:,} a student "
                            "table can have; delete the unused columns and save again", file=filename)
        raw = sheet.to_python(skip_empty_area=False)
    except DataError:
        raise
    except Exception as err:
        raise DataError(f"sheet '{name}' could not be read ({_first_line(err)}); it may be damaged: {AS_XLSX} "
                        "and upload that", file=filename) from None
    rows = [[_cell(v) for v in row] for row in raw]
    while rows and not _filled(rows[-1]):
        rows.pop()
    return rows


def _pick(names: list[str], sheet: str | int, filename: str) -> str:
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.strip().isdigit() and sheet not in names):
        index = int(sheet)
        if 1 <= index <= len(names):
            return names[index - 1]
    else:
        found = [n for n in names if n == sheet] or [n for n in names if n.strip().lower() == str(sheet).strip().lower()]
        if found:
            return found[0]
    listed = ", ".join(f"'{n}'" for n in names)
    raise DataError(f"the workbook has no sheet '{sheet}'; its sheets are {listed}", file=filename)


def read_workbook(data: bytes, filename: str, max_bytes: int, sheet: str | int | None = None) -> dict:
    """The chosen sheet's table as the parts of an ingest Table: frame, warnings, sheet, sheets, header_row."""
    _check_unzipped(data, filename, max_bytes)
    book = _open(data, filename)
    meta = [m for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")] or book.sheets_metadata
    names = [m.name for m in meta]
    if not names:
        raise DataError("the workbook has no sheets; add the student table and save again", file=filename)
    if sheet is not None and str(sheet).strip():
        name = _pick(names, sheet, filename)
        rows = _rows(book, name, filename)
        if not rows:
            raise DataError(f"sheet '{name}' is empty; {CHOOSE}", file=filename)
        header = find_header(rows, need_data=False)
        if header is None:
            raise DataError(f"sheet '{name}' has no table: no row of column names with data below it; "
                            f"{CHOOSE}", file=filename)
    else:
        hidden = {m.name for m in meta if not str(m.visible).endswith(".Visible")}
        name = header = rows = None
        for candidate in sorted(names, key=lambda n: n in hidden):  # visible sheets first, in workbook order
            rows = _rows(book, candidate, filename)
            header = find_header(rows) if rows else None
            if header is not None:
                name = candidate
                break
        header_only = [] if name is not None else \
            [n for n in names if find_header(_rows(book, n, filename), need_data=False) is not None]
        if header_only:  # said as "a header but no student rows" by the caller
            name = header_only[0]
            rows = _rows(book, name, filename)
            header = find_header(rows, need_data=False)
        if name is None:
            what = "has no data" if all(not _rows(book, n, filename) for n in names) else \
                "has no sheet with a table (a row of column names with data below it)"
            raise DataError(f"the workbook {what}; put the student table on a sheet with one header row, then "
                            "one row per student", file=filename)
    return _table(rows, header, name, names, filename)


def _table(rows: list[list], header: int, name: str, names: list[str], filename: str) -> dict:
    width = max(len(row) for row in rows)
    body = [row + [None] * (width - len(row)) for row in rows[header + 1:]]
    blank = [i for i, row in enumerate(body) if not _filled(row)]
    warnings = []
    if len(names) > 1:
        others = ", ".join(f"'{n}'" for n in names if n != name)
        warnings.append(f"Read sheet '{name}'; the workbook also has {others}; {CHOOSE}.")
    if header > 0:
        above = next((str(v) for row in rows[:header] for v in row if v is not None), None)
        warnings.append(f"Sheet '{name}': used row {header + 1} as the header row" +
                        (f"; skipped the rows above it ('{above[:40]}')." if above else "."))
    if blank:
        first = header + 2 + blank[0]
        warnings.append(f"Sheet '{name}': {len(blank):,} blank row(s) inside the table, first at row {first:,}, "
                        "were skipped, so row numbers after it are off by one per blank row; delete them in the "
                        "workbook so the row numbers here match the sheet.")
        body = [row for row in body if _filled(row)]
    labels = [rows[header][i] if i < len(rows[header]) else None for i in range(width)]
    columns = [f"Unnamed: {i}" if v is None else str(v).strip() for i, v in enumerate(labels)]
    cells = list(zip(*body)) if body else [()] * width
    keep = [i for i in range(width) if labels[i] is not None or any(v is not None for v in cells[i])]
    frame = {i: _column(list(cells[i])) for i in keep}
    return {"columns": [columns[i] for i in keep], "values": [frame[i] for i in keep], "warnings": warnings,
            "sheet": name, "sheets": names, "header_row": header + 1, "rows": len(body)}
