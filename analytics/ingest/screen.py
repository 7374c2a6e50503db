"""The cheap checks `read_bytes` makes before pandas parses anything, for a server deciding whether to keep an
upload at all: bytes that are no table (random data, a web page, an Office binary, a zip that is no workbook,
a header of thousands of columns) are refused before they are stored, in the same words as `read_bytes`."""
from __future__ import annotations

from analytics.errors import DataError
from analytics.ingest.excel import is_workbook, refuse_binary_office, refuse_other_zip
from analytics.ingest.sniff import SNIFF_BYTES, check_width, decode_head, refuse_markup, utf16_without_bom


def screen(data: bytes, filename: str) -> None:
    """Raise DataError when `data` cannot be a student table. Reads the first 64 KB only (a workbook's
    directory, for a zip), so a file that passes may still fail to parse later."""
    if not data:
        raise DataError("the file is empty; export the student table again with a header row and data",
                        file=filename)
    if data.startswith(b"PK\x03\x04"):
        if not is_workbook(data):
            refuse_other_zip(data, filename)
        return
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse_binary_office(data, filename)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or utf16_without_bom(data[:SNIFF_BYTES]):
        return  # UTF-16 text: read_bytes transcodes the whole file before it looks
    head_text, _ = decode_head(data[:SNIFF_BYTES], filename, full=len(data) <= SNIFF_BYTES)
    if not head_text.strip():
        raise DataError("the file has no text in it; export the student table again", file=filename)
    refuse_markup(head_text, filename)
    check_width(data, filename)
