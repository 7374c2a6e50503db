"""The dashboard in headless Chromium: demo on first load, a real upload through the file input, bad files."""
import os
import re
from pathlib import Path

import pytest
from browser_checks import assert_accessible, assert_server_log_clean
from browser_server import (ADMIN, CHROMEDRIVER, CHROMIUM, PASSWORD, ROOT, download_to, free_port,  # noqa: F401
                            signed_in_opener)

from components import ids

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                 reason=f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")]

PLOT = "const p = document.querySelector('#{} .js-plotly-plot'); "
SLICES = PLOT + "return p && p.data && p.data[0] ? p.data[0].labels.length : null;"
TRACES = PLOT + "return p && p.data ? p.data.length : 0;"


@pytest.fixture(scope="module")
def server(app_server):
    """The app server, with this module's part of its log checked at the end: every module that drives it fails
    if a request crashed or answered 5xx during it."""
    app_server.log.seek(0, os.SEEK_END)
    start = app_server.log.tell()
    yield app_server
    assert_server_log_clean(app_server.log, start)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(chromium, downloads, server):
    """The test process's Chromium (conftest's `chromium`, signed in once), downloading into this module's folder.
    A module undoes what it changes for its own tests (a screen size, a script added to every page); the ask
    history the tab keeps in its session storage is cleared here, so the next module starts as a fresh tab would."""
    download_to(chromium, downloads)
    yield chromium
    chromium.execute_script("try { sessionStorage.clear(); } catch (e) {}")


def wait_for(driver, condition, timeout=40, what="condition"):
    from selenium.common.exceptions import JavascriptException, StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # an element found a moment ago may be redrawn by the time it is read (a grid filling in), and a chart's
    # element may be in the page before its data: ask again
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2,
                             ignored_exceptions=(StaleElementReferenceException, JavascriptException)
                             ).until(lambda d: condition(d), message=what)
    except TimeoutException as err:
        # what the page said when the wait gave up, so a failure says why and not only what
        shown = driver.execute_script("return document.body ? document.body.innerText : ''") or ""
        raise TimeoutException(f"{what}; the page showed:\n{shown[:12000]}") from err


def slices(driver, graph_id):
    return driver.execute_script(SLICES.format(graph_id))


def slice_of(driver, graph_id, index) -> tuple[str, int]:
    """(label, size) of a donut's slice, read once the donut is drawn: a redraw replaces its data for a moment."""
    script = (PLOT.format(graph_id) + f"const t = p && p.data && p.data[0]; "
              f"return t && t.values ? [t.labels[{index}], t.values[{index}]] : null;")
    return tuple(wait_for(driver, lambda d: d.execute_script(script), what=f"slice {index} of {graph_id}"))


def students(driver, graph_id):
    """Students counted by a donut (the sum of its slices); None while it is not drawn (a tab just opened holds
    the donut's element before its data)."""
    return driver.execute_script(PLOT.format(graph_id) + "const t = p && p.data && p.data[0]; "
                                 "return t && t.values ? t.values.reduce((a, b) => a + b, 0) : null;")


def traces(driver, graph_id):
    return driver.execute_script(TRACES.format(graph_id))


def text(driver, element_id):
    from selenium.common.exceptions import StaleElementReferenceException

    try:  # Dash may re-render the element between finding it and reading it
        found = driver.find_elements("id", element_id)
        return found[0].text if found else ""
    except StaleElementReferenceException:
        return ""


def click_css(driver, selector, what="element", by="css selector"):
    """Click what a person would click, once it is on screen and not covered (re-rendered grids included)."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        StaleElementReferenceException,
    )

    def attempt(d):
        try:
            element = d.find_element(by, selector)
            d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
            element.click()
            return True
        except (ElementClickInterceptedException, ElementNotInteractableException, StaleElementReferenceException):
            return False  # covered, still sliding in, or redrawn: tried again

    wait_for(driver, attempt, what=f"click {what}")


def click_first_row(driver, grid_id, column, what="first row") -> str:
    """Click the first row's `column` cell of a grid, once the grid shows it, and return that row's number as the
    pinned Row column shows it. A grid that redraws between finding the cell and clicking it is read again."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        NoSuchElementException,
        StaleElementReferenceException,
    )

    clicked = []

    def attempt(d):
        try:
            cell = d.find_element("css selector", f"#{grid_id} .ag-center-cols-container [row-index='0'] "
                                                  f"[col-id='{column}']")
            row = d.find_element("css selector", f"#{grid_id} .ag-pinned-left-cols-container [row-index='0'] "
                                                 "[col-id='row']").text
            d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", cell)
            cell.click()
        except (NoSuchElementException, ElementClickInterceptedException, StaleElementReferenceException):
            return False
        clicked.append(row)
        return bool(row)

    wait_for(driver, attempt, what=f"click the {what}")
    return clicked[-1]


def click(driver, xpath):
    click_css(driver, xpath, xpath, by="xpath")


def upload(driver, path):
    driver.find_element("id", ids.UPLOAD_INPUT).send_keys(str(path))


# a section each tab shows once it is open
TAB_MARK = {"overview": ids.PERSONA_SECTION, "explore": ids.TABLE_SECTION, "risk": ids.RISK_SECTION,
            "subjects": ids.GROUPS_SECTION, "insights": ids.INSIGHTS_SECTION, "report": ids.REPORT_SECTION,
            "admin": ids.ADMIN_SECTION}
IN_VIEW = "const v = document.querySelector('#kpi-students .kpi-value'); return v ? v.textContent : null;"


def in_view(driver) -> str | None:
    """The number of students in view, as the Students tile (on every tab) shows it."""
    try:
        return driver.execute_script(IN_VIEW)
    except Exception:  # re-rendered while read
        return None


def loaded(driver, students: str, what: str = "dataset loaded", timeout=40) -> None:
    wait_for(driver, lambda d: in_view(d) == students, timeout=timeout, what=f"{what}: {students} students")


def open_tab(driver, tab: str) -> None:
    """Click the tab, as a person does, and wait for its sections."""
    click_css(driver, f"#{ids.tab_link(tab)}", f"the {tab} tab")
    wait_for(driver, lambda d: d.find_elements("id", TAB_MARK[tab]), what=f"the {tab} tab's sections")


def goto(driver, server, tab: str, query: str = "") -> None:
    """Open the dashboard on a tab by its address, as a copied link does."""
    driver.get(server + tab + query)
    wait_for(driver, lambda d: d.find_elements("id", TAB_MARK[tab]), what=f"the {tab} tab's sections")


def test_opens_on_the_demo_dashboard(server, browser):
    browser.get(server)
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5, what="demo persona donut")
    assert slices(browser, ids.TRAJECTORY_DONUT) == 3
    assert "demo-cohort" in text(browser, ids.NAVBAR_DATASET)
    wait_for(browser, lambda d: "2,000" in text(d, ids.KPI_ROW), what="demo KPIs")
    assert "students" in text(browser, ids.KPI_ROW).lower()
    for graph, count in [(ids.PERSONA_RADAR, 5), (ids.TRAJECTORY_MIX, 5), (ids.GENDER_BREAKDOWN, 8), (ids.SCHOOL_BREAKDOWN, 8),
                         (ids.SCORE_DISTRIBUTION, 5)]:
        wait_for(browser, lambda d: traces(d, graph) == count, what=f"{count} traces in {graph}")
    open_tab(browser, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo table count")


def test_upload_kaggle_then_bad_files(server, browser, downloads, kaggle_path, tmp_path):
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    file_input = browser.find_element("id", ids.UPLOAD_INPUT)
    assert file_input.get_attribute("type") == "file"

    upload(browser, kaggle_path)
    wait_for(browser, lambda d: "Loaded" in text(d, ids.UPLOAD_STATUS), what="success message")
    assert "Loaded student_performance_factors.csv: 6,607 students, 5 personas, 3 trajectories" \
        in text(browser, ids.UPLOAD_STATUS)
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "6,607 students", what="Kaggle table count")
    assert "6,607" in text(browser, ids.KPI_ROW)

    click(browser, "//*[@id='download-csv']")
    exported = downloads / "cohort-atlas-students.csv"
    wait_for(browser, lambda d: exported.exists() and exported.read_text().count("\n") >= 6607, what="CSV export")
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 6608 and lines[0].startswith('"Row","Persona","Trajectory"')

    open_tab(browser, "overview")
    for donut, count in [(ids.PERSONA_DONUT, 5), (ids.TRAJECTORY_DONUT, 3)]:
        wait_for(browser, lambda d: slices(d, donut) == count and students(d, donut) == 6607, what=f"Kaggle {donut}")

    noise = tmp_path / "noise.csv"
    noise.write_bytes(os.urandom(4096))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for bad, words in [(noise, "file 'noise.csv'"), (empty, "the file is empty")]:
        upload(browser, bad)
        wait_for(browser, lambda d: words in text(d, ids.UPLOAD_STATUS), what=f"error for {bad.name}")
        alert = browser.find_element("css selector", "#upload-status .alert")
        assert "alert-danger" in alert.get_attribute("class")
        assert "Traceback" not in alert.text
        assert in_view(browser) == "6,607"
        assert slices(browser, ids.PERSONA_DONUT) == 5 and students(browser, ids.PERSONA_DONUT) == 6607
        assert "student_performance_factors.csv" in text(browser, ids.NAVBAR_DATASET)


DROP = """
const [name, text] = arguments;
const zone = document.getElementById('drop-zone');
const data = new DataTransfer();
data.items.add(new File([text], name, {type: 'text/csv'}));
for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
}
"""


def test_drop_a_file_on_the_zone(server, browser, kaggle_path):
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    head = "".join(kaggle_path.read_text().splitlines(keepends=True)[:301])
    browser.execute_script(DROP, "dropped.csv", head)
    wait_for(browser, lambda d: "Loaded dropped.csv: 300 students" in text(d, ids.UPLOAD_STATUS), what="drop upload")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "300 students", what="dropped table count")
    assert "is-dragging" not in browser.find_element("id", ids.DROP_ZONE).get_attribute("class")


def test_persona_count_and_breakdown_toggle(server, browser):
    browser.get(server)
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5, what="dashboard loaded")
    click(browser, "//*[@id='persona-count']//label[normalize-space()='3']")
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 3, what="3 personas after choosing 3")
    wait_for(browser, lambda d: traces(d, ids.PERSONA_RADAR) == 3, what="3 personas on the radar")
    click(browser, "//*[@id='breakdown-mode']//label[normalize-space()='Counts']")
    wait_for(browser, lambda d: "Number of students" in text(d, ids.GENDER_CAPTION), what="counts caption")


def test_each_persona_count_shows_its_separation_and_stability(server, browser):
    """Under the selector, every count's silhouette and stability (measured by a background job) with the
    students they rest on, as recomputed here from the same demo file; an unstable count gets the caveat."""
    from app import DEMO_ROWS, DEMO_SEED

    from analytics import analyse, read_bytes
    from analytics.ingest.generate import generate_students
    from analytics.models.stability import of_analysis

    demo = generate_students(DEMO_ROWS, seed=DEMO_SEED).to_csv(index=False).encode()
    found = of_analysis(analyse(read_bytes(demo, "demo.csv"), 5, outliers=False))
    browser.get(server)
    wait_for(browser, lambda d: "Measured on all 2,000 students" in text(d, ids.PERSONA_COUNT_QUALITY),
             timeout=90, what="the stability of each persona count")
    rows = browser.execute_script(
        "return [...document.querySelectorAll('.persona-quality-table tbody tr')]"
        ".map(r => [...r.querySelectorAll('td')].map(c => c.textContent));")
    assert rows == [[f"{found.silhouette[k]:.2f}" for k in range(2, 9)], [f"{found.ari[k]:.2f}" for k in range(2, 9)]]
    assert f"Suggested: {found.suggested} personas" in text(browser, ids.PERSONA_COUNT_QUALITY)
    assert not found.unstable(5) and text(browser, ids.PERSONA_CAVEAT) == ""
    unstable = min(k for k in range(2, 9) if found.unstable(k))
    click(browser, f"//*[@id='persona-count']//label[normalize-space()='{unstable}']")
    wait_for(browser, lambda d: "not a finding" in text(d, ids.PERSONA_CAVEAT), what="the unstable caveat")
    caveat = text(browser, ids.PERSONA_CAVEAT)
    assert f"With {unstable} personas" in caveat and f"{found.ari[unstable]:.2f}" in caveat
    assert "measured on all 2,000 students" in caveat
    assert_accessible(browser, "the persona counts' stability and the caveat")


def click_slice(driver, graph_id, index):
    from selenium.webdriver.common.action_chains import ActionChains

    target = driver.find_elements("css selector", f"#{graph_id} g.slice path.surface")[index]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", target)
    ActionChains(driver).move_to_element(target).click().perform()


def test_click_a_persona_filters_every_view_and_lives_in_the_url(server, browser, kaggle_path):
    browser.get(server)
    loaded(browser, "2,000", "demo loaded")
    upload(browser, kaggle_path)
    loaded(browser, "6,607", "Kaggle file loaded")
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5 and students(d, ids.PERSONA_DONUT) == 6607,
             what="persona donut")
    name, size = slice_of(browser, ids.PERSONA_DONUT, 1)
    click_slice(browser, ids.PERSONA_DONUT, 1)
    wait_for(browser, lambda d: "in this view, of 6,607" in text(d, ids.KPI_ROW), what="KPIs follow the filter")
    assert f"{size:,}" in text(browser, ids.KPI_ROW)
    assert name in text(browser, ids.FILTER_CHIPS)
    wait_for(browser, lambda d: students(d, ids.TRAJECTORY_DONUT) == size, what="trajectory donut follows")
    open_tab(browser, "explore")  # the table, on another tab, shows the same students
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{size:,} students", what="table filtered to the persona")
    personas_in_table = browser.execute_script(
        "return [...new Set(document.querySelectorAll('#student-table .ag-center-cols-container [col-id=\"Persona\"], "
        "#student-table .ag-pinned-left-cols-container [col-id=\"Persona\"]')).values()].map(c => c.textContent);")
    assert personas_in_table and set(personas_in_table) == {name}
    assert "persona=" in browser.current_url and "/explore?" in browser.current_url

    browser.get(browser.current_url)  # a copied address reopens the same view
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{size:,} students", what="same view after reload")
    assert name in text(browser, ids.FILTER_CHIPS) and "student_performance_factors" in text(browser, ids.NAVBAR_DATASET)
    wait_for(browser, lambda d: f"{size:,}" in text(d, ids.KPI_ROW) and "of 6,607" in text(d, ids.KPI_ROW),
             what="KPIs of the same view after reload")

    click(browser, "//*[@id='filters-clear']")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "6,607 students", what="back to everyone")
    assert "persona=" not in browser.current_url and "Showing every student" in text(browser, ids.FILTER_BAR)


def test_click_the_same_slice_again_clears_it(server, browser):
    browser.get(server)
    wait_for(browser, lambda d: slices(d, ids.TRAJECTORY_DONUT) == 3, what="trajectory donut")
    loaded(browser, "2,000", "demo loaded")
    _, size = slice_of(browser, ids.TRAJECTORY_DONUT, 0)
    click_slice(browser, ids.TRAJECTORY_DONUT, 0)
    loaded(browser, f"{size:,}", "one trajectory")
    click_slice(browser, ids.TRAJECTORY_DONUT, 0)
    loaded(browser, "2,000", "cleared by a second click")


def test_table_row_opens_the_profile_card(server, browser):
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    row = click_first_row(browser, ids.STUDENT_TABLE, "Hours_Studied", "first student in the table")
    wait_for(browser, lambda d: text(d, ids.PROFILE_ROW) == f"Row {row}", what="profile card for the clicked row")
    wait_for(browser, lambda d: "students like this" in text(d, ids.PROFILE_BODY).lower(), what="whole card shown")
    body = text(browser, ids.PROFILE_BODY).lower()  # the headings are upper-cased by CSS
    assert "themes within the cohort" in body and "percentile" in body and "students like this" in body


def test_outlier_filter_and_table_open_an_unusual_student(server, browser):
    goto(browser, server, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    wait_for(browser, lambda d: text(d, ids.OUTLIER_COUNT).endswith("students"), what="outlier table")
    outliers = int(text(browser, ids.OUTLIER_COUNT).split()[0].replace(",", ""))
    assert 0 < outliers < 2000
    assert f"{outliers:,}" in text(browser, ids.KPI_ROW)
    click(browser, "//*[@id='f-outlier']//label[normalize-space()='Only outliers']")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{outliers:,} students", what="only outliers in the table")
    assert "only outliers" in text(browser, ids.FILTER_CHIPS)
    row = click_first_row(browser, ids.OUTLIER_TABLE, "reasons", "first outlier")
    wait_for(browser, lambda d: text(d, ids.PROFILE_ROW) == f"Row {row}", what="profile card of the outlier")
    wait_for(browser, lambda d: "Unusual profile" in text(d, ids.PROFILE_BODY), what="outlier reasons on the card")
    assert "SD" in text(browser, ids.PROFILE_OUTLIER)


FIRST_ROW = ("const c = document.querySelector(\"#student-table .ag-pinned-left-cols-container [row-index='0'] "
             "[col-id='row']\"); return c ? c.textContent : null;")


def test_table_sorts_and_filters_the_whole_view_on_the_server(server, browser):
    browser.get(server)
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5, what="demo persona donut")
    name, size = slice_of(browser, ids.PERSONA_DONUT, 2)
    open_tab(browser, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    header = "#student-table .ag-pinned-left-header [col-id='row'] .ag-header-cell-label"
    click_css(browser, header, "Row header")  # ascending
    wait_for(browser, lambda d: d.execute_script(FIRST_ROW) == "2", what="row 2 first after sorting up")
    click_css(browser, header, "Row header")  # descending: the last row comes first, though the browser never held it
    wait_for(browser, lambda d: d.execute_script(FIRST_ROW) == "2001", what="row 2001 first after sorting")
    box = browser.find_element("css selector", "#student-table .ag-pinned-left-header .ag-floating-filter[col-id='Persona'] input")
    box.send_keys(name)
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{size:,} of 2,000 students", what="grid filter count")
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#student-table .ag-pinned-left-cols-container [col-id=\"Persona\"]')]"
        ".map(c => c.textContent);")
    assert shown and set(shown) == {name}


def set_slider(driver, role, value, kind="lever"):
    """Type a change into a what-if slider's number box, as a teacher can instead of dragging."""
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("css selector", f"[id*='\"role\":\"{role}\"'][id*='\"type\":\"{kind}\"'] input[type=number]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def test_attendance_slider_student_explanation_and_intervention_csv(server, browser, downloads, kaggle_path):
    goto(browser, server, "risk")
    loaded(browser, "2,000", "demo loaded")
    upload(browser, kaggle_path)
    loaded(browser, "6,607", "Kaggle file loaded")
    wait_for(browser, lambda d: "of 6,607 students in view" in text(d, ids.RISK_SUMMARY), timeout=90,
             what="risk summary for the Kaggle file")
    at_risk = int(text(browser, ids.RISK_COUNT).replace(",", ""))
    assert 0 < at_risk < 6607 and "RISK MODEL" in text(browser, ids.RISK_QUALITY).upper()

    set_slider(browser, "attendance", 10)
    wait_for(browser, lambda d: "→" in text(d, ids.SCENARIO_BELOW), what="scenario result")
    before, after = [int(x.replace(",", "")) for x in text(browser, ids.SCENARIO_BELOW).split("→")]
    assert before == at_risk and after < before
    assert "held at the edge of the range" in text(browser, ids.SCENARIO_NOTE)

    # The first row of the intervention list opens that student's card with the explanation.
    wait_for(browser, lambda d: text(d, ids.INTERVENTION_COUNT).endswith("students"), what="intervention list")
    click_css(browser, "#intervention-table .ag-pinned-left-cols-container [row-index='0'] [col-id='row']",
              "first student to help")
    wait_for(browser, lambda d: "predicted score by" in text(d, ids.PROFILE_EXPLANATION), what="explanation on the card")
    assert "chance of ending below" in text(browser, ids.PROFILE_RISK)
    assert text(browser, ids.PROFILE_SMALLEST)
    click_css(browser, ".profile-panel .btn-close", "close the profile card")

    click_css(browser, "#download-interventions", "intervention CSV")
    exported = downloads / "cohort-atlas-interventions.csv"
    wait_for(browser, lambda d: exported.exists() and exported.stat().st_size > 1000, what="intervention CSV")
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"Priority","Row","Persona"')
    shown = re.search(r"([\d,]+) (most in need|students)", text(browser, ids.INTERVENTION_COUNT)).group(1)
    assert len(lines) == int(shown.replace(",", "")) + 1


def test_insights_follow_the_filter_and_a_question_gets_its_table(server, browser):
    goto(browser, server, "insights")
    loaded(browser, "2,000", "demo loaded")
    wait_for(browser, lambda d: "built-in engine" in text(d, ids.INSIGHTS_ENGINE), what="offline insights")
    before = text(browser, "insight-mega_pie_insights")
    assert "2,000 students" in before and "largest persona" in before
    open_tab(browser, "overview")
    wait_for(browser, lambda d: slices(d, ids.PERSONA_DONUT) == 5, what="demo persona donut")
    name = browser.execute_script(PLOT.format(ids.PERSONA_DONUT) + "return p.data[0].labels[3];")
    click_slice(browser, ids.PERSONA_DONUT, 3)
    wait_for(browser, lambda d: name in text(d, ids.FILTER_CHIPS), what="the persona filter")
    open_tab(browser, "insights")
    wait_for(browser, lambda d: text(d, "insight-mega_pie_insights") not in ("", before), what="insights follow")
    assert name in text(browser, "insight-mega_pie_insights") and "of 2,000" in text(browser, ids.INSIGHTS_FACTS)
    box = browser.find_element("id", ids.ASK_INPUT)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys("Which trajectory has the lowest attendance?")
    click_css(browser, "#ask-button", "Ask")
    wait_for(browser, lambda d: "lowest mean attendance" in text(d, ids.ASK_LOG), what="answer")
    rows = browser.find_elements("css selector", "#ask-log .ask-table tbody tr")
    assert 1 <= len(rows) <= 3 and "Built-in parser" in text(browser, ids.ASK_LOG)


def test_the_server_logged_no_traceback(server):
    """Runs last: every click above went through without a callback crashing or a 5xx on the server."""
    assert_server_log_clean(server.log)
