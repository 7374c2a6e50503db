"""axe-core on the main views of the dashboard in headless Chromium: no serious or critical violation."""
from browser_checks import assert_accessible
from test_browser import PLOT, browser, click_css, downloads, pytestmark, server, text, upload, wait_for  # noqa: F401

from components import ids


def settled(driver, students):
    """The view once its charts, tables, risk model and insights are drawn: axe checks what is there. The map
    is not awaited (it can take minutes on a busy machine): its progress bar or its drawing is checked."""
    wait_for(driver, lambda d: text(d, ids.TABLE_COUNT) == f"{students} students", what=f"{students} in the table")
    wait_for(driver, lambda d: f"of {students} students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="risk summary")
    wait_for(driver, lambda d: "built-in engine" in text(d, ids.INSIGHTS_ENGINE), what="insights")
    # the outliers are a background job beside the risk model's: on a busy machine they can queue behind it
    wait_for(driver, lambda d: text(d, ids.OUTLIER_COUNT).endswith("students"), timeout=120, what="outlier table")


def test_the_demo_dashboard_the_profile_card_and_ask(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "2,000")
    assert_accessible(browser, "the demo dashboard")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    wait_for(browser, lambda d: d.find_element("id", ids.F_GENDER).accessible_name.lower().startswith("gender"),
             what="the gender filter named by its label")
    assert browser.find_element("id", ids.RADAR_PERSONA).accessible_name == "Personas on the radar"
    # a person who cannot see the donut hears every persona and its size
    names, sizes = browser.execute_script(PLOT.format(ids.PERSONA_DONUT)
                                          + "return [p.data[0].labels, p.data[0].values];")
    donut = browser.find_element("css selector", f"#{ids.PERSONA_DONUT} svg.main-svg").accessible_name
    assert donut.startswith("Persona sizes") and all(f"{n}: {s:,}" in donut for n, s in zip(names, sizes)), donut

    click_css(browser, "#student-table .ag-center-cols-container [row-index='0'] [col-id='Hours_Studied']",
              "a student's row")
    wait_for(browser, lambda d: "chance of ending below" in text(d, ids.PROFILE_RISK), what="whole profile card")
    assert_accessible(browser, "the profile card")
    browser.find_element("css selector", ".profile-panel .btn-close").click()

    box = browser.find_element("id", ids.ASK_INPUT)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys("Which persona has the lowest attendance?")
    click_css(browser, "#ask-button", "Ask")
    wait_for(browser, lambda d: d.find_elements("css selector", "#ask-log .ask-table"), timeout=120,
             what="an answer")
    assert_accessible(browser, "insights and an answer")


def test_the_dashboard_after_an_upload(server, browser, kaggle_path):  # noqa: F811
    browser.get(server)
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    upload(browser, kaggle_path)
    settled(browser, "6,607")
    assert_accessible(browser, "the Kaggle file's dashboard")
