"""Reference figures a school compares itself with: a CSV of national (or local authority, or trust) values.

One row a figure: `subject` (what is measured: a subject, "English and maths", "Attendance"), `measure` (how:
mean, pct_grade4_plus ...; mean when blank), `group` ("all", "disadvantaged", "SEN support", "girls" ... or
"COLUMN=VALUE"), `year`, `value`, and optionally `n` (pupils behind the figure) and `source`. A file may hold only
one of `subject` and `measure`: then that column names the subject, with the statistic after a colon
("English and maths: pct_grade4_plus"). Problems with the file itself are a DataError naming file, column and
row; whether a subject or group exists is a question for the school's data (see benchmark.py), never an error.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field

import pandas as pd

from analytics.errors import DataError
from analytics.ingest.schema import norm
from analytics.results import sheet_row

REQUIRED = ("group", "year", "value")
OPTIONAL = ("n", "source")
MAX_BYTES = 5 * 2**20  # a reference is a few hundred rows; anything near this is the wrong file
# Shares count pupils at or above a mark on the subject's own scale; grade thresholds need GCSE 9-1 marks.
GRADE_MEASURES = {"pct_grade4_plus": 4.0, "pct_grade5_plus": 5.0, "pct_grade7_plus": 7.0}
AT_LEAST = re.compile(r"^pct_at_least_(\d+(?:\.\d+)?)$")
ATTENDANCE_MEASURES = ("absence_rate", "pct_persistent_absence")
MEASURES = ("mean", *GRADE_MEASURES, "pct_at_least_<mark>", *ATTENDANCE_MEASURES)


@dataclass(frozen=True)
class Figure:
    row: int  # the spreadsheet row (header = 1), for messages
    subject: str
    measure: str
    group: str
    year: str
    value: float
    n: int | None
    source: str

    @property
    def percent(self) -> bool:
        return self.measure != "mean"


@dataclass
class Reference:
    filename: str
    figures: list[Figure]
    warnings: list[str] = field(default_factory=list)


def check_measure(text: str) -> str | None:
    """The measure in its canonical spelling, or None when it is not one this app computes."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower()) or "mean"
    if key in ("mean", "average", "avg") or key in GRADE_MEASURES or key in ATTENDANCE_MEASURES:
        return "mean" if key in ("average", "avg") else key
    return key if AT_LEAST.match(key) else None


def _number(text: str, *, whole: bool) -> float | None:
    """A cell as a number; '65.1%' and (for counts) '606,915' are numbers too. None when it is not one."""
    text = text.strip().rstrip("%").strip()
    if whole:
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if pd.notna(value) and abs(value) != float("inf") else None


def _columns(frame: pd.DataFrame, name: str) -> dict[str, str]:
    """Canonical column -> the file's header, matched without case or spaces; a missing one is a DataError."""
    by_norm = {norm(c): c for c in frame.columns}
    found = {key: by_norm[key] for key in (*REQUIRED, *OPTIONAL, "subject", "measure") if key in by_norm}
    missing = [key for key in REQUIRED if key not in found]
    if "subject" not in found and "measure" not in found:
        missing.insert(0, "subject (or measure)")
    if missing:
        header = ", ".join(str(c) for c in frame.columns) or "none"
        raise DataError(f"missing column {', '.join(missing)} (the columns are: {header}); a reference needs "
                        "subject or measure, group, year and value, optionally n and source", file=name)
    return found


def _what(cells: dict[str, str], has_subject: bool, has_measure: bool) -> tuple[str, str]:
    """(subject, measure text) from a row: both columns, or one of them with 'subject: measure'."""
    if has_subject and has_measure:
        return cells["subject"], cells["measure"]
    text = cells["subject" if has_subject else "measure"]
    subject, _, measure = text.rpartition(":") if ":" in text else (text, "", "")
    return subject.strip(), measure.strip()


def read_reference(data: bytes, filename: str) -> Reference:
    name = os.path.basename(filename)
    if len(data) > MAX_BYTES:
        raise DataError(f"the reference is {len(data) / 2**20:.1f} MB; a reference file holds national figures, "
                        f"a few hundred rows at most ({MAX_BYTES // 2**20} MB)", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "no header row"
        raise DataError(f"not a readable CSV file ({first}); save the reference as CSV with a header row",
                        file=name) from None
    columns = _columns(frame, name)
    frame = frame.rename(columns={v: k for k, v in columns.items()})
    has_subject, has_measure = "subject" in columns, "measure" in columns
    figures: list[Figure] = []
    for i, record in enumerate(frame.to_dict("records")):
        cells = {k: str(record.get(k, "") or "").strip() for k in columns}
        row = sheet_row(i)
        if not any(cells.values()):
            continue  # a blank line at the end of a spreadsheet
        subject, measure_text = _what(cells, has_subject, has_measure)
        where = "subject" if has_subject else "measure"
        if not subject:
            raise DataError("no subject on this row; name what the figure measures (a subject such as "
                            "Maths, 'English and maths' or 'Attendance')", file=name, column=where, row=row)
        measure = check_measure(measure_text)
        if measure is None:
            raise DataError(f"unknown measure '{measure_text}'; use one of {', '.join(MEASURES)}", file=name,
                            column="measure" if has_measure else where, row=row)
        if not cells["group"]:
            raise DataError("no group on this row; write 'all' for every pupil", file=name, column="group", row=row)
        value = _number(cells["value"], whole=False)
        if value is None:
            raise DataError(f"value '{cells['value']}' is not a number (write 65.1 or 65.1%)", file=name,
                            column="value", row=row)
        if measure != "mean" and not 0 <= value <= 100:
            raise DataError(f"value {value:g} is not a percentage (0-100) as {measure} needs", file=name,
                            column="value", row=row)
        n = None
        if cells.get("n"):
            count = _number(cells["n"], whole=True)
            if count is None or count < 0 or count != int(count):
                raise DataError(f"n '{cells['n']}' is not a count of pupils (a whole number, or blank)",
                                file=name, column="n", row=row)
            n = int(count)
        figures.append(Figure(row, subject, measure, cells["group"], cells["year"], value, n,
                              cells.get("source", "")))
    if not figures:
        raise DataError("the reference has a header but no figures", file=name)
    warnings = []
    shares = [f for f in figures if f.percent]
    if len(shares) >= 3 and all(f.value <= 1 for f in shares):
        warnings.append(f"{name}: every percentage is at most 1; if they are fractions (0.651), write them as "
                        "percentages (65.1): they are compared as written.")
    return Reference(name, figures, warnings)


def load_reference(path: str) -> Reference:
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise DataError(f"cannot open the reference ({err.strerror})", file=name) from None
    return read_reference(data, name)
