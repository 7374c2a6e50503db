"""axe-core on the main views of the dashboard in headless Chromium: no serious or critical violation."""
from browser_checks import assert_accessible
from test_browser import (PLOT, browser, click_css, downloads, goto, loaded, open_tab, pytestmark,  # noqa: F401
                          server, text, upload, wait_for)

from components import ids


def settled(driver, tab, students):
    """The tab once its charts, tables, risk model or insights are drawn: axe checks what is there. The map is
    not awaited (it can take minutes on a busy machine): its progress bar or its drawing is checked."""
    loaded(driver, students, f"the {tab} tab")
    if tab == "explore":
        wait_for(driver, lambda d: text(d, ids.TABLE_COUNT) == f"{students} students", what=f"{students} in the table")
        # the outliers are a background job beside the risk model's: on a busy machine they queue behind it
        wait_for(driver, lambda d: text(d, ids.OUTLIER_COUNT).endswith("students"), timeout=120, what="outliers")
    if tab == "risk":
        wait_for(driver, lambda d: f"of {students} students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
                 what="risk summary")
    if tab == "insights":
        wait_for(driver, lambda d: "built-in engine" in text(d, ids.INSIGHTS_ENGINE), what="insights")


def test_the_demo_dashboard_the_profile_card_and_ask(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "overview", "2,000")
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

    open_tab(browser, "explore")
    settled(browser, "explore", "2,000")
    click_css(browser, "#student-table .ag-center-cols-container [row-index='0'] [col-id='Hours_Studied']",
              "a student's row")
    wait_for(browser, lambda d: "chance of ending below" in text(d, ids.PROFILE_RISK), what="whole profile card")
    # assets/a11y.js names the card's what-if sliders once they are drawn (Dash's Slider takes no aria props)
    wait_for(browser, lambda d: all(e.get_attribute("aria-label") for e in d.find_elements(
        "css selector", ".profile-panel [role='slider'], .profile-panel input.dash-range-slider-input")),
        what="the card's sliders named")
    assert_accessible(browser, "the profile card")
    browser.find_element("css selector", ".profile-panel .btn-close").click()

    open_tab(browser, "insights")
    settled(browser, "insights", "2,000")
    box = browser.find_element("id", ids.ASK_INPUT)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys("Which persona has the lowest attendance?")
    click_css(browser, "#ask-button", "Ask")
    wait_for(browser, lambda d: d.find_elements("css selector", "#ask-log .ask-table"), timeout=120,
             what="an answer")
    assert_accessible(browser, "insights and an answer")


def test_the_dashboard_after_an_upload(server, browser, kaggle_path):  # noqa: F811
    goto(browser, server, "explore")
    loaded(browser, "2,000", "demo loaded")
    upload(browser, kaggle_path)
    for tab in ("explore", "risk", "overview"):
        if tab != "explore":
            open_tab(browser, tab)
        settled(browser, tab, "6,607")
        assert_accessible(browser, f"the Kaggle file's {tab} tab")
