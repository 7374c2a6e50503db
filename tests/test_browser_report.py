"""In headless Chromium: the Report button builds the report for the filtered view and offers the HTML and PDF;
the Classes section links to one page per class; the profile card writes the counsellor's view and names its
engine."""
from test_browser import (  # noqa: F401
    browser,
    click_first_row,
    downloads,
    goto,
    loaded,
    open_tab,
    pytestmark,
    server,
    signed_in_opener,
    text,
    upload,
    wait_for,
)

from browser_checks import assert_accessible

from analytics.ingest.school import generate_school
from components import ids


def scroll_click(driver, element_id):
    element = driver.find_element("id", element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def test_report_classes_and_counsellor(server, browser, tmp_path):  # noqa: F811
    frame = generate_school(400, seed=5)
    path = tmp_path / "oak-school.csv"
    frame.to_csv(path, index=False)
    goto(browser, server, "subjects")  # the classes
    loaded(browser, "2,000", "demo loaded")
    upload(browser, path)
    loaded(browser, "400", "school file loaded")

    pages = wait_for(browser, lambda d: (d.find_element("id", ids.CLASS_PAGES_LINK).get_attribute("href") or "")
                     if "dataset=" in (d.find_element("id", ids.CLASS_PAGES_LINK).get_attribute("href") or "")
                     else None, what="the class report link")
    fetch = signed_in_opener(server).open  # a script signs in as the browser did
    body = fetch(pages).read().decode()
    assert body.count('<section class="class-page"') == frame["Form"].nunique()

    open_tab(browser, "report")
    scroll_click(browser, ids.REPORT_BUTTON)
    # while the bar shows, the button waits (read together, so the job cannot end between the two reads)
    building = (f"const box = document.getElementById('{ids.REPORT_PROGRESS_BOX}'), "
                f"button = document.getElementById('{ids.REPORT_BUTTON}'); "
                "return box.style.display === 'none' ? null : button.disabled;")
    seen = wait_for(browser, lambda d: [d.execute_script(building)] if d.execute_script(building) is not None
                    or d.find_elements("id", ids.REPORT_HTML_LINK) else None, timeout=90, what="the build under way")
    assert seen[0] in (True, None)
    link = wait_for(browser, lambda d: d.find_elements("id", ids.REPORT_HTML_LINK), timeout=90,
                    what="the report's download links")[0]
    wait_for(browser, lambda d: d.find_element("id", ids.REPORT_BUTTON).is_enabled(), what="the button back")
    html = fetch(link.get_attribute("href")).read().decode()
    assert 'data-figure="students">400<' in html and "<script" not in html.lower()
    assert not any(upn in html for upn in frame["UPN"])
    pdf = browser.find_elements("id", ids.REPORT_PDF_LINK)
    if pdf:
        assert fetch(pdf[0].get_attribute("href")).read().startswith(b"%PDF")
    assert_accessible(browser, "the report section with its downloads")

    open_tab(browser, "explore")
    row = click_first_row(browser, ids.STUDENT_TABLE, "UPN", "first student in the table")
    wait_for(browser, lambda d: text(d, ids.PROFILE_ROW) == f"Row {row}", what="the profile card")
    scroll_click(browser, ids.COUNSEL_BUTTON)
    wait_for(browser, lambda d: "built-in engine" in text(d, ids.COUNSEL_ENGINE), timeout=60,
             what="the counsellor's view")
    assert "Profile" in text(browser, ids.COUNSEL_BODY) and "Strengths" in text(browser, ids.COUNSEL_BODY)
