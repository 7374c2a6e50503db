"""In headless Chromium: an Excel workbook uploaded through the file input, then another of its sheets chosen."""
from test_browser import (browser, downloads, goto, loaded, open_tab, pytestmark, server, slices, text,  # noqa: F401
                          upload, wait_for)
from test_ingest_excel import kaggle_rows, rows_of, workbook

from components import ids


def test_upload_a_workbook_and_choose_another_sheet(server, browser, kaggle_path, tmp_path):  # noqa: F811
    frame = kaggle_rows(kaggle_path, 500)
    path = tmp_path / "oak academy.xlsx"
    path.write_bytes(workbook({"Notes": [["Spring term export"]],
                               "Year 10": [["Oak Academy — Year 10"], [None]] + rows_of(frame.head(300)),
                               "Year 11": rows_of(frame.tail(200))}))
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    assert not browser.find_element("id", ids.SHEET_BOX).is_displayed()  # a CSV has no sheets to choose

    upload(browser, path)
    wait_for(browser, lambda d: "Loaded oak academy.xlsx, sheet 'Year 10': 300 students" in text(d, ids.UPLOAD_STATUS),
             what="workbook loaded")
    status = text(browser, ids.UPLOAD_STATUS)
    assert "Read sheet 'Year 10'; the workbook also has 'Notes', 'Year 11'; choose another with the Sheet menu " \
        "below" in status
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "300 students", what="table of Year 10")
    first_row = f"#{ids.STUDENT_TABLE} .ag-pinned-left-cols-container [row-index='0'] [col-id='row']"
    # the sheet's row: under a title, a blank row and the header (the grid fills in after the table count)
    wait_for(browser, lambda d: [e.text for e in d.find_elements("css selector", first_row)] == ["4"],
             what="first row numbered 4")

    box = browser.find_element("id", ids.SHEET_BOX)
    wait_for(browser, lambda d: box.is_displayed() and "Year 10" in box.text, what="sheet menu")
    box.find_element("css selector", ".Select-control, .dash-dropdown").click()
    option = wait_for(browser, lambda d: next((o for o in d.find_elements("css selector", "[role='option']")
                                               if o.text.strip() == "Year 11"), None), what="Year 11 option")
    option.click()
    wait_for(browser, lambda d: "sheet 'Year 11': 200 students" in text(d, ids.UPLOAD_STATUS), what="Year 11 read")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "200 students", what="table of Year 11")
    assert "oak academy.xlsx" in text(browser, ids.NAVBAR_DATASET)
    open_tab(browser, "overview")
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5, what="personas of Year 11")
    loaded(browser, "200", "Year 11")
