"""Excel workbooks as a school saves them: typed cells, several sheets, a title above the header, bad files."""
import datetime as dt
import io
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from analytics import DataError, analyse, read_bytes
from analytics.explore.views import table_frame
from analytics.ingest.read import read_path
from conftest import ROOT


def workbook(sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None) -> bytes:
    """An .xlsx with one sheet per entry (rows of cell values, None for blank)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
    for (name, cell), number_format in (formats or {}).items():
        book[name][cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kaggle_rows(kaggle_path, n=300) -> pd.DataFrame:
    return pd.read_csv(kaggle_path).head(n)


def rows_of(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + [[None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
                                    for row in frame.itertuples(index=False)]


def error_of(data: bytes, name="book.xlsx", **kw) -> str:
    with pytest.raises(DataError) as info:
        analyse(read_bytes(data, name, **kw))
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message and f"file '{name}'" in message
    return message


def test_cells_keep_the_type_and_value_the_school_entered():
    data = workbook({"Pupils": [
        ["UPN", "Hours_Studied", "Attendance", "Date_of_Birth", "Last_Seen", "FSM", "Exam_Score", "Set"],
        ["0123", 5, 0.95, dt.date(2010, 3, 4), dt.datetime(2024, 1, 9, 8, 30), True, 67, 1],
        ["0456", 7.5, 0.8, dt.date(2010, 11, 30), dt.datetime(2024, 1, 9), False, 71, "2a"],
        ["A789", 6, 1, dt.date(2011, 1, 2), dt.datetime(2024, 1, 10, 14, 5), True, 58, 3],
    ]}, formats={("Pupils", "C2"): "0%", ("Pupils", "C3"): "0%", ("Pupils", "C4"): "0%"})
    table = read_bytes(data, "pupils.xlsx")
    frame = table.frame
    assert frame["UPN"].astype(str).tolist() == ["0123", "0456", "A789"]  # stored as text: leading zeros kept
    assert frame["Hours_Studied"].tolist() == [5.0, 7.5, 6.0]
    assert frame["Exam_Score"].dtype == np.int64 and frame["Exam_Score"].tolist() == [67, 71, 58]
    assert frame["Attendance"].tolist() == [0.95, 0.8, 1.0]  # the stored fraction, not the "95%" shown
    assert frame["Date_of_Birth"].astype(str).tolist() == ["2010-03-04", "2010-11-30", "2011-01-02"]
    assert frame["Last_Seen"].astype(str).tolist() == ["2024-01-09 08:30:00", "2024-01-09", "2024-01-10 14:05:00"]
    assert frame["FSM"].astype(str).tolist() == ["TRUE", "FALSE", "TRUE"]
    assert frame["Set"].astype(str).tolist() == ["1", "2a", "3"]  # a mixed column is text, numbers as shown
    assert (table.sheet, table.sheets, table.header_row) == ("Pupils", ["Pupils"], 1)
    assert table.warnings == []  # one sheet, header on row 1: nothing to say


def test_a_workbook_reads_like_the_same_table_as_csv(kaggle_path):
    frame = kaggle_rows(kaggle_path)
    from_csv = analyse(read_bytes(frame.to_csv(index=False).encode(), "class.csv"))
    from_xlsx = analyse(read_bytes(workbook({"Class": rows_of(frame)}), "class.xlsx"))
    assert from_xlsx.rows == from_csv.rows == len(frame)
    assert from_xlsx.mapping == from_csv.mapping
    assert [p.size for p in from_xlsx.personas] == [p.size for p in from_csv.personas]
    assert [p.name for p in from_xlsx.personas] == [p.name for p in from_csv.personas]
    pd.testing.assert_series_equal(from_xlsx.students["Exam_Score"], from_csv.students["Exam_Score"],
                                   check_dtype=False)


def test_default_sheet_is_the_first_with_a_table_and_the_others_are_named(kaggle_path):
    frame = kaggle_rows(kaggle_path, 120)
    data = workbook({"Notes": [["Exported from the MIS on Monday"], ["Ask the data manager"]], "Blank": [],
                     "Year 10": rows_of(frame.head(80)), "Year 11": rows_of(frame.tail(40))})
    table = read_bytes(data, "school.xlsx")
    assert table.sheet == "Year 10" and len(table.frame) == 80
    assert table.sheets == ["Notes", "Blank", "Year 10", "Year 11"]
    assert table.warnings[0].startswith("Read sheet 'Year 10'; the workbook also has 'Notes', 'Blank', 'Year 11';")
    assert "--sheet" in table.warnings[0] and "Sheet menu" in table.warnings[0]
    for chosen in ("Year 11", "year 11 ", 4, "4"):
        other = read_bytes(data, "school.xlsx", sheet=chosen)
        assert other.sheet == "Year 11" and len(other.frame) == 40
        assert other.frame["Exam_Score"].tolist() == frame.tail(40)["Exam_Score"].tolist()
    message = error_of(data, "school.xlsx", sheet="Year 12")
    assert "no sheet 'Year 12'" in message and "'Notes', 'Blank', 'Year 10', 'Year 11'" in message
    assert "no table" in error_of(data, "school.xlsx", sheet="Notes")
    assert "is empty" in error_of(data, "school.xlsx", sheet="Blank")


def test_title_rows_above_the_header_and_row_numbers_stay_the_sheets(kaggle_path):
    frame = kaggle_rows(kaggle_path, 200)
    frame["Exam_Score"] = frame["Exam_Score"].astype(object)
    frame.loc[9, "Exam_Score"] = None  # a blank cell at data row 9
    frame.loc[20, "Exam_Score"] = "absent"
    title = [["Spring term export — Oak Academy"], [None]]
    from_xlsx = analyse(read_bytes(workbook({"Export": title + rows_of(frame)}), "oak.xlsx"))
    from_csv = analyse(read_bytes(frame.to_csv(index=False).encode(), "oak.csv"))
    assert from_xlsx.header_row == 3 and from_csv.header_row == 1
    assert "Sheet 'Export': used row 3 as the header row; skipped the rows above it ('Spring term export" \
        in " ".join(from_xlsx.warnings)
    blank = next(w for w in from_xlsx.warnings if "blank cell" in w and "Exam_Score" in w)
    assert "first at row 13" in blank  # data row 9 sits under a header on row 3
    assert "first at row 11" in next(w for w in from_csv.warnings if "blank cell" in w and "Exam_Score" in w)
    assert "'absent' at row 24" in " ".join(from_xlsx.warnings)
    assert "'absent' at row 22" in " ".join(from_csv.warnings)
    rows = table_frame(from_xlsx, limit=3)["row"].tolist()
    assert rows == [4, 5, 6] and table_frame(from_csv, limit=3)["row"].tolist() == [2, 3, 4]
    assert from_xlsx.to_dict()["sheet"] == "Export" and "sheet" not in from_csv.to_dict()


def test_header_found_past_a_wide_title_block():
    data = workbook({"S": [["Report", "Spring"], [None], ["Hours_Studied", "Attendance", "Exam_Score", "Gender"],
                           [4, 80, 60, "F"], [5, 90, 70, "M"], [6, 85, 65, "F"]]})
    table = read_bytes(data, "s.xlsx")
    assert table.header_row == 3 and list(table.frame.columns) == ["Hours_Studied", "Attendance", "Exam_Score",
                                                                   "Gender"]


def test_blank_rows_inside_the_table_are_skipped_and_said(kaggle_path):
    rows = rows_of(kaggle_rows(kaggle_path, 50))
    rows.insert(11, [None])
    table = read_bytes(workbook({"S": rows}), "s.xlsx")
    assert len(table.frame) == 50
    assert any("1 blank row(s) inside the table, first at row 12" in w for w in table.warnings)


def test_old_xls_and_password_protected_workbooks():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    message = error_of(ole, "old.xls")
    assert "Excel 97-2003 workbook (.xls)" in message and ".xlsx" in message and "CSV UTF-8" in message
    locked = ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    message = error_of(locked, "locked.xlsx")
    assert "password" in message and "CSV UTF-8" in message


def test_damaged_and_other_zip_files():
    good = workbook({"S": [["a", "b"], [1, 2]]})
    assert "does not open as a zip file" in error_of(good[: len(good) // 2])
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook>not closed")
    assert "could not be read" in error_of(broken.getvalue())
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as doc:
        doc.writestr("word/document.xml", "<w/>")
    assert "this is a Word document, not an .xlsx workbook" in error_of(word.getvalue(), "notes.xlsx")


def test_empty_workbooks_and_sheets_without_a_table():
    assert "the workbook has no data" in error_of(workbook({"Sheet1": [], "Sheet2": []}))
    prose = workbook({"Sheet1": [["Nothing here yet"], ["See the other file"]]})
    assert "has no sheet with a table" in error_of(prose)
    assert "header but no student rows" in error_of(workbook({"S": [["Hours_Studied", "Attendance"]]}))


def test_size_limits(kaggle_path):
    data = workbook({"S": rows_of(kaggle_rows(kaggle_path, 2000))})
    assert "over the 0 MB limit" in error_of(data, max_bytes=len(data) - 1)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("xl/media/padding.bin", b"\x00" * 20 * 2**20)
    assert len(bomb.getvalue()) < 2**20
    message = error_of(bomb.getvalue(), max_bytes=2**20)
    assert "the workbook unpacks to 2" in message and "over the 8 MB a workbook may hold" in message


def test_read_path_takes_a_sheet(tmp_path):
    path = tmp_path / "two.xlsx"
    path.write_bytes(workbook({"A": [["x", "y"], [1, 2]], "B": [["x", "y"], [3, 4], [5, 6]]}))
    assert read_path(str(path), sheet="B").frame["x"].tolist() == [3, 5]
    assert read_path(str(path)).frame["x"].tolist() == [1]


@pytest.fixture(scope="module")
def school_book(kaggle_path) -> bytes:
    frame = kaggle_rows(kaggle_path, 160)
    return workbook({"Notes": [["Spring export"]], "Year 10": [["Oak Academy — Year 10"], [None]]
                     + rows_of(frame.head(100)), "Year 11": rows_of(frame.tail(60))})


def test_cli_summarize_a_sheet(cli, tmp_path, school_book):
    path = tmp_path / "school.xlsx"
    path.write_bytes(school_book)
    doc = __import__("json").loads(cli("summarize", path, "--sheet", "Year 11", "--json", "--no-risk").stdout)
    assert doc["sheet"] == "Year 11" and doc["rows"] == 60 and doc["header_row"] == 1
    assert doc["sheets"] == ["Notes", "Year 10", "Year 11"]
    text = cli("summarize", path, "--no-risk").stdout
    assert text.startswith("school.xlsx, sheet 'Year 10': 100 students")
    assert "used row 3 as the header row" in text


def test_cli_benchmark_reads_the_chosen_sheet(cli, tmp_path, school_book):
    path = tmp_path / "school.xlsx"
    path.write_bytes(school_book)
    reference = ROOT / "examples" / "reference-england-ks4.csv"
    doc = __import__("json").loads(cli("benchmark", path, "--sheet", "Year 11", "--reference", reference,
                                       "--json").stdout)
    attendance = next(c for c in doc["comparisons"] if c["group"] == "all" and "absence" in c["measure"])
    assert attendance["n"] == 60


def test_cli_unknown_sheet_is_one_line_exit_2(tmp_path, school_book):
    from test_cli import subprocess_cli

    path = tmp_path / "school.xlsx"
    path.write_bytes(school_book)
    out = subprocess_cli("summarize", path, "--sheet", "Year 12")
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "no sheet 'Year 12'" in lines[0] and "'Year 10', 'Year 11'" in lines[0]


def test_upload_names_the_sheet_and_another_can_be_chosen(store, school_book, kaggle_path):
    from dash import no_update

    from callbacks import upload

    reply, status = upload.receive(store, lambda _limit: school_book, len(school_book), "school.xlsx")
    assert status == 200
    first = reply["dataset_id"]
    uploaded, message, _ = upload.analyse_upload(store, reply, 5)
    text = str(message)
    assert uploaded == {"dataset_id": first} and "Loaded school.xlsx, sheet 'Year 10': 100 students" in text
    assert "Read sheet 'Year 10'; the workbook also has 'Notes', 'Year 11'; choose another with the Sheet menu below" \
        in text and "used row 3 as the header row" in text
    style, options, value = upload.sheet_choices(store, first, 5)
    assert style == {} and [o["value"] for o in options] == ["Notes", "Year 10", "Year 11"] and value == "Year 10"
    assert upload.choose_sheet(store, "Year 10", first, 5) == (no_update,) * 3  # the menu showing the sheet read
    uploaded, message, value = upload.choose_sheet(store, "Year 11", first, 5)
    chosen = uploaded["dataset_id"]
    assert chosen != first and value is no_update and "sheet 'Year 11': 60 students" in str(message)
    analysis = store.analysis(chosen, 5)
    expected = pd.read_csv(kaggle_path).head(160).tail(60)["Exam_Score"]
    assert analysis.students["Exam_Score"].tolist() == expected.tolist()
    assert store.with_sheet(first, "Year 11") == chosen  # the same dataset when chosen again
    kept = [store.uploads.read(name[:-4]) for name in os.listdir(store.uploads.root) if name.endswith(".bin")]
    assert kept.count(school_book) == 1  # the bytes are kept once
    uploaded, message, value = upload.choose_sheet(store, "Notes", chosen, 5)
    assert uploaded is no_update and value == "Year 11" and "sheet 'Notes' has no table" in str(message)


def test_a_csv_upload_shows_no_sheet_menu(store, kaggle_id):
    from callbacks import upload

    assert upload.sheet_choices(store, kaggle_id, 5) == ({"display": "none"}, [], None)


def test_upload_route_takes_a_workbook(tmp_path, kaggle_path, school_book):
    from app import create_app
    from backend.store import DatasetStore

    store = DatasetStore(str(tmp_path / "cache"), max_bytes=2**20)
    app = create_app(store=store, default_data=str(kaggle_path), start=False)
    reply = app.server.test_client().post("/api/upload", data=school_book, headers={"X-Filename": "school.xlsx"})
    assert reply.status_code == 200 and reply.json["filename"] == "school.xlsx"
    assert store.analysis(reply.json["dataset_id"], 5).sheet == "Year 10"
    zone = next(c for c in _walk(app.layout) if getattr(c, "id", None) == "drop-zone")
    assert ".xlsx" in zone.to_plotly_json()["props"]["data-accept"] and "Excel (.xlsx)" in str(zone)


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_repeated_ids_are_named_at_the_sheets_rows(kaggle_path):
    frame = kaggle_rows(kaggle_path, 60)
    frame.insert(0, "UPN", [f"A{i:03d}" for i in range(60)])
    frame.loc[30, "UPN"] = "A005"
    title = [["Autumn export"], [None], [None]]
    analysis = analyse(read_bytes(workbook({"S": title + rows_of(frame)}), "ids.xlsx"))
    assert analysis.header_row == 4 and analysis.students["UPN"].astype(str).iloc[5] == "A005"
    repeated = next(w for w in analysis.warnings if "appear on more than one row" in w)
    assert "'A005' (rows 10, 35)" in repeated  # data rows 5 and 30 under a header on row 4
