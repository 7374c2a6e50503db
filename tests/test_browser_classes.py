"""In headless Chromium: a head of year opens a class from the classes panel; the whole dashboard becomes that
class, under its own address, and its printed list names who needs help."""

from test_browser import browser, downloads, goto, loaded, pytestmark, server, text, upload, wait_for  # noqa: F401

from browser_checks import assert_accessible

from analytics.ingest.school import generate_school
from components import ids


def test_open_a_class_then_print_its_list(server, browser, tmp_path):  # noqa: F811
    frame = generate_school(400, seed=5)
    path = tmp_path / "oak-school.csv"
    frame.to_csv(path, index=False)
    goto(browser, server, "subjects")
    loaded(browser, "2,000", "demo loaded")
    upload(browser, path)
    loaded(browser, "400", "school file loaded")
    form = sorted(frame["Form"].unique())[1]
    size = int((frame["Form"] == form).sum())
    link = wait_for(browser, lambda d: next((a for a in d.find_elements("css selector", f"#{ids.CLASS_TABLE} a.class-link")
                                             if a.text == form), None), what=f"a link to form {form}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", link)
    link.click()
    loaded(browser, f"{size:,}", "the class in view")
    assert f"form={form}" in browser.current_url
    wait_for(browser, lambda d: f"Class view: Form {form}" in text(d, ids.CLASS_BANNER), what="the class banner")
    assert f"{size:,} students" in text(browser, ids.CLASS_BANNER)
    assert_accessible(browser, "a class view of a school's export")

    href = browser.find_element("css selector", f"#{ids.CLASS_BANNER} a[target=_blank]").get_attribute("href")
    page = server.opener.open(href).read().decode()  # signed in, as the browser is
    assert f"Who needs help: Form {form}" in page
    students = frame[frame["Form"] == form]
    assert "Maths: " in page and f"of {students['Maths Mock'].notna().sum():,} with a mark" in page
