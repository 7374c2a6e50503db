"""What kind of file the bytes are, before pandas sees them: refuse what is not a CSV with one clear line.

Each check reads a small head of the file (or its first line), so a file that is not a student table is
refused in milliseconds instead of after a parse that could take minutes.
"""
from __future__ import annotations

import csv
import re

from analytics.errors import DataError

SNIFF_BYTES = 64 * 1024
MAX_COLUMNS = 2000  # a wide MIS export has a few hundred; far more is a wrong delimiter or not a table
DELIMITERS = ",;\t|"
MAGIC = {  # zip (.xlsx) and OLE (.xls) files are told apart before this, in analytics/ingest/excel.py
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
AS_CSV = "export the student table as CSV (one header row, then one row per student)"


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the head is text with a NUL byte beside every ASCII character."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 8:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def transcode_utf16(data: bytes, encoding: str, filename: str) -> bytes:
    """UTF-16 bytes as UTF-8, or a DataError naming UTF-16 when they do not decode."""
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"the file looks like UTF-16 text but byte {err.start:,} does not decode as UTF-16; "
                        "in Excel use File > Save As > 'CSV UTF-8'", file=filename) from None


def decode_head(head: bytes, filename: str, full: bool) -> tuple[str, str]:
    """(text, encoding) of the first bytes; `full` says the head is the whole file (not cut mid-character)."""
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise DataError(f"this is {what}, not a CSV file; in Excel use File > Save As > 'CSV UTF-8'",
                            file=filename)
    if b"\x00" in head:
        raise DataError(f"this is a binary file, not a CSV text file; {AS_CSV}", file=filename)
    try:
        return head.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        # A cut in the middle of a multi-byte character at the end of the sample is still UTF-8.
        if err.start >= len(head) - 3 and not full:
            return head[:err.start].decode("utf-8-sig"), "utf-8"
    text = head.decode("cp1252", errors="replace")
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    if bad > max(2, len(text) // 100):
        raise DataError(f"this does not look like a text file (too many control characters); {AS_CSV}",
                        file=filename)
    return text, "cp1252"


def refuse_markup(text: str, filename: str) -> None:
    """JSON, XML or a web page saved under a .csv name: say which."""
    start = text.lstrip("\ufeff \t\r\n")
    what = None
    if start.startswith("{") or re.match(r"\[\s*[\[{\"]", start):
        what = "JSON"
    elif re.match(r"<!doctype html|<html", start, re.IGNORECASE):
        what = "a web page (HTML)"
    elif re.match(r"<\?xml|<[A-Za-z!]", start):
        what = "XML"
    if what:
        raise DataError(f"this is {what}, not a CSV file, whatever its name says; {AS_CSV}", file=filename)


def check_width(data: bytes, filename: str) -> None:
    """Refuse a header with more than MAX_COLUMNS fields before any parser is asked to build them."""
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    rough = max(line.count(d.encode()) for d in DELIMITERS) + 1
    if rough <= MAX_COLUMNS:
        return
    delimiter = max(DELIMITERS, key=lambda d: line.count(d.encode()))
    fields = next(csv.reader([line.decode("utf-8", errors="replace")], delimiter=delimiter), [])
    if len(fields) > MAX_COLUMNS:
        shown = {"\t": "tab"}.get(delimiter, f"'{delimiter}'")
        raise DataError(f"the header row has {len(fields):,} columns ({shown}-separated), more than the "
                        f"{MAX_COLUMNS:,} a student table can have; check that the file has one row per "
                        "line and the right delimiter", file=filename)


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count)
