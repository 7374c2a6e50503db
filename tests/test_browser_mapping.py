"""In headless Chromium: upload an MIS export, open the mapping panel, leave Attendance out, apply, and see the
dashboard follow; the panel passes axe-core; a bad choice is said in the panel and changes nothing."""
from browser_checks import assert_accessible
from test_browser import (browser, click_css, downloads, in_view, loaded, pytestmark, server, text,  # noqa: F401
                          upload, wait_for)
from test_mapping import mis_frame

from components import ids

STUDENTS = 400


def control(driver, kind: str, index: int):
    """A pattern-matching control (its id is JSON, which a CSS id selector cannot name)."""
    return driver.execute_script("return document.getElementById(arguments[0])",
                                 ids.dom_id(ids.map_control(kind, index)))


def content(driver, element_id: str) -> str:
    """An element's text behind the open panel too (Selenium's .text is what is on screen)."""
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.textContent : ''",
                                 element_id)


def role_select(driver, column: str):
    from selenium.webdriver.support.ui import Select

    element = control(driver, ids.MAP_ROLE, list(mis_frame(5).columns).index(column))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    return Select(element)


def open_panel(driver):
    click_css(driver, f"#{ids.MAPPING_OPEN}", "Check or change columns")
    wait_for(driver, lambda d: d.find_element("id", ids.MAPPING_MODAL).is_displayed()
             and d.find_elements("css selector", ".mapping-table tbody tr"), what="the mapping panel")


def test_leaving_attendance_out_changes_the_personas(server, browser, tmp_path):  # noqa: F811
    path = tmp_path / "mis-export.csv"
    mis_frame(STUDENTS, seed=5).to_csv(path, index=False)
    browser.get(server)  # the Overview: the personas show what the mapping changes
    loaded(browser, "2,000", "demo loaded")
    upload(browser, path)
    wait_for(browser, lambda d: f"Loaded mis-export.csv: {STUDENTS} students" in text(d, ids.UPLOAD_STATUS),
             what="the upload's status")
    wait_for(browser, lambda d: "attendance" in text(d, ids.PERSONA_LIST).lower(), what="personas by attendance")
    wait_for(browser, lambda d: "16 columns" in text(d, ids.MAPPING_SUMMARY), what="the columns summary")
    # the page settled (its grids redrawn with the new file's columns), so axe sees what a person does
    loaded(browser, f"{STUDENTS:,}", "the new file")
    drawn = lambda d: not [g for g in d.find_elements("css selector", '[aria-colcount="0"]')  # noqa: E731
                           if g.is_displayed()]
    wait_for(browser, drawn, timeout=90, what="grids drawn")
    # the panel's table (a row of controls per column) is built when the panel opens, not with every page
    assert not browser.find_elements("css selector", ".mapping-table")

    open_panel(browser)
    wait_for(browser, lambda d: "Columns of mis-export.csv" in text(d, ids.MAPPING_TITLE), what="the panel's file")
    rows = {r.find_element("tag name", "th").text: r.text
            for r in browser.find_elements("css selector", ".mapping-table tbody tr")}
    assert "Attendance (%)" in rows["Attendance %"] and "name match" in rows["Attendance %"]
    assert "Subject (marks)" in rows["Maths Mock"] and "GCSE 9-1" in rows["Art Grade"]
    assert control(browser, ids.MAP_ROLE, 9).accessible_name == "Attendance %: used as"
    maths = list(mis_frame(5).columns).index("Maths Mock")
    assert control(browser, ids.MAP_PASS, maths).accessible_name == "Maths Mock: pass mark"
    assert_accessible(browser, "the mapping panel")

    # a bad choice: two columns for one role. The panel says so; the dashboard stays on its mapping.
    role_select(browser, "Homework Completion %").select_by_value("attendance")
    click_css(browser, f"#{ids.MAPPING_APPLY}", "Apply")
    wait_for(browser, lambda d: "both set to Attendance" in text(d, ids.MAPPING_MESSAGE), what="the bad choice")
    assert "attendance" in content(browser, ids.PERSONA_LIST).lower()

    role_select(browser, "Homework Completion %").select_by_value("homework")
    role_select(browser, "Attendance %").select_by_value("none")
    click_css(browser, f"#{ids.MAPPING_APPLY}", "Apply")
    wait_for(browser, lambda d: not d.find_elements("css selector", f"#{ids.MAPPING_MODAL}.show"),
             timeout=120, what="the panel closed")
    wait_for(browser, lambda d: "remembered" in text(d, ids.UPLOAD_STATUS), timeout=120, what="the applied choices' status")
    wait_for(browser, lambda d: text(d, ids.PERSONA_LIST) and "attendance" not in text(d, ids.PERSONA_LIST).lower(),
             timeout=60, what="personas without attendance")
    assert "your choices" in text(browser, ids.MAPPING_SUMMARY)
    assert in_view(browser) == f"{STUDENTS:,}"

    open_panel(browser)  # the panel now shows the choice as the person's own
    rows = {r.find_element("tag name", "th").text: r.text
            for r in browser.find_elements("css selector", ".mapping-table tbody tr")}
    assert "Left out in the mapping" in rows["Attendance %"]
    assert role_select(browser, "Attendance %").first_selected_option.text == "Not used"
    click_css(browser, f"#{ids.MAPPING_CLOSE}", "Close")
    wait_for(browser, lambda d: not d.find_elements("css selector", ".mapping-table"), what="the table dropped")
