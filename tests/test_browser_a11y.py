"""axe-core on the main views of the dashboard in headless Chromium: no serious or critical violation."""
from browser_checks import assert_accessible
from test_browser import browser, click_css, downloads, pytestmark, server, text, upload, wait_for  # noqa: F401

from components import ids

MAP_DRAWN = ("const p = document.querySelector('#student-map .js-plotly-plot'); "
             "return !!(p && p._fullData && p._fullData.some(t => t.meta === 'students'));")


def settled(driver, students, map_drawn=True):
    """The view once its charts, tables, risk model, insights and (if asked) map are drawn: axe checks what is
    there. A new file's map can take minutes on a busy machine; its progress bar is checked meanwhile."""
    wait_for(driver, lambda d: text(d, ids.TABLE_COUNT) == f"{students} students", what=f"{students} in the table")
    wait_for(driver, lambda d: f"of {students} students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="risk summary")
    wait_for(driver, lambda d: "built-in engine" in text(d, ids.INSIGHTS_ENGINE), what="insights")
    if map_drawn:
        wait_for(driver, lambda d: d.execute_script(MAP_DRAWN), timeout=240, what="student map")
    wait_for(driver, lambda d: text(d, ids.OUTLIER_COUNT).endswith("students"), what="outlier table")


def test_the_demo_dashboard_the_profile_card_and_ask(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "2,000")
    assert_accessible(browser, "the demo dashboard")

    click_css(browser, "#student-table .ag-center-cols-container [row-index='0'] [col-id='Hours_Studied']",
              "a student's row")
    wait_for(browser, lambda d: "chance of ending below" in text(d, ids.PROFILE_RISK), what="whole profile card")
    assert_accessible(browser, "the profile card")
    browser.find_element("css selector", ".profile-panel .btn-close").click()

    box = browser.find_element("id", ids.ASK_INPUT)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys("Which persona has the lowest attendance?")
    click_css(browser, "#ask-button", "Ask")
    wait_for(browser, lambda d: d.find_elements("css selector", "#ask-log .ask-table"), what="an answer")
    assert_accessible(browser, "insights and an answer")


def test_the_dashboard_after_an_upload(server, browser, kaggle_path):  # noqa: F811
    browser.get(server)
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    upload(browser, kaggle_path)
    settled(browser, "6,607", map_drawn=False)
    assert_accessible(browser, "the Kaggle file's dashboard")
