"""The Progress panel in headless Chromium: it fills in on the demo, a bar click filters the view, axe is clean."""
from browser_checks import assert_accessible
from test_browser import PLOT, browser, downloads, goto, in_view, loaded, pytestmark, server, text, wait_for  # noqa: F401

from components import ids


def test_progress_by_gender_and_a_click_on_a_bar(server, browser):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    goto(browser, server, "subjects")
    loaded(browser, "2,000", "demo loaded")
    wait_for(browser, lambda d: "Mean progress" in text(d, ids.PROGRESS_SUMMARY), what="progress summary")
    assert "same prior attainment" in text(browser, ids.PROGRESS_MEANING)
    choose = browser.find_element("id", ids.PROGRESS_BY)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", choose)
    Select(choose).select_by_value("gender")
    bars = PLOT.format(ids.PROGRESS_CHART) + "return p && p.data && p.data[0] ? p.data[0].customdata : null;"
    wait_for(browser, lambda d: (d.execute_script(bars) or [[None]])[0][0] == "gender", what="bars by gender")
    group = browser.execute_script(bars)[0][1]
    target = browser.find_elements("css selector", f"#{ids.PROGRESS_CHART} g.point path")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", target)
    ActionChains(browser).move_to_element(target).click().perform()
    wait_for(browser, lambda d: f"Gender: {group}" in text(d, ids.FILTER_CHIPS), what="the gender filter set")
    wait_for(browser, lambda d: in_view(d) not in (None, "2,000"), what="the view follows")
    assert_accessible(browser, "the progress panel")
