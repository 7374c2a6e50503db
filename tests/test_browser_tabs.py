"""The tabs in headless Chromium: each opens by a click and by its address, only its own panels are in the page,
the filters follow a person from tab to tab, a copied address reopens the same tab on the same students, the
browser's back and forward buttons walk the tabs, and axe-core passes on every tab."""
import re

from browser_checks import assert_accessible
from test_browser import (PLOT, TAB_MARK, slice_of, browser, click, click_slice, downloads, goto, in_view,  # noqa: F401
                          loaded, open_tab, pytestmark, server, slices, text, wait_for)

from components import ids
from components.tabs import KEYS


def path(driver) -> str:
    return driver.execute_script("return window.location.pathname")


def active(driver) -> list[str]:
    return [key for key in KEYS
            if "active" in (driver.find_element("id", ids.tab_link(key)).get_attribute("class") or "")]


def only(driver, tab) -> None:
    """The tab's sections are in the page and no other tab's are."""
    present = [key for key, mark in TAB_MARK.items() if driver.find_elements("id", mark)]
    assert present == [tab], f"on {tab} the page holds {present}"


def settled(driver, tab, students="2,000") -> None:
    """The tab once what it shows is drawn, for axe to see it as a person does."""
    loaded(driver, students, f"the {tab} tab")
    waits = {"overview": lambda d: slices(d, ids.PERSONA_DONUT) == 5,
             # the outlier job too: its table, still empty while the job runs, is read by axe once filled
             "explore": lambda d: text(d, ids.TABLE_COUNT) == f"{students} students"
             and re.fullmatch(r"[\d,]+ students?( of [\d,]+)?", text(d, ids.OUTLIER_COUNT)),
             "risk": lambda d: f"of {students} students in view" in text(d, ids.RISK_SUMMARY),
             "subjects": lambda d: "Mean progress" in text(d, ids.PROGRESS_SUMMARY),
             "insights": lambda d: "built-in engine" in text(d, ids.INSIGHTS_ENGINE)}
    if tab in waits:
        wait_for(driver, waits[tab], timeout=120, what=f"the {tab} tab drawn")


def test_each_tab_opens_by_a_click_and_by_its_address_and_passes_axe(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "overview")
    assert active(browser) == ["overview"]
    only(browser, "overview")
    for tab in KEYS:
        open_tab(browser, tab)
        assert path(browser) == f"/{tab}" and active(browser) == [tab]
        only(browser, tab)
        settled(browser, tab)
        assert browser.title.startswith(browser.find_element("id", ids.tab_link(tab)).text.strip())
        assert_accessible(browser, f"the {tab} tab")
    for tab in KEYS:
        goto(browser, server, tab)
        only(browser, tab)
        wait_for(browser, lambda d: active(d) == [tab], what=f"{tab} marked open")


def test_the_filters_follow_every_tab_and_a_copied_address_reopens_them(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "overview")
    name, size = slice_of(browser, ids.PERSONA_DONUT, 1)
    click_slice(browser, ids.PERSONA_DONUT, 1)
    loaded(browser, f"{size:,}", "one persona")
    for tab in ("explore", "risk", "subjects", "insights", "report"):
        open_tab(browser, tab)
        assert name in text(browser, ids.FILTER_CHIPS) and in_view(browser) == f"{size:,}"
        assert path(browser) == f"/{tab}" and "persona=" in browser.current_url
        # every link of the bar keeps the view
        hrefs = [browser.find_element("id", ids.tab_link(k)).get_attribute("href") for k in KEYS]
        assert all("persona=" in h for h in hrefs), hrefs
    open_tab(browser, "explore")
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == f"{size:,} students", what="the table of the persona")
    open_tab(browser, "risk")
    wait_for(browser, lambda d: f"of {size:,} students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="the persona's risk")
    address = browser.current_url

    browser.get("about:blank")
    browser.get(address)  # a copied link: the same job on the same students
    wait_for(browser, lambda d: d.find_elements("id", TAB_MARK["risk"]), what="the Risk tab reopened")
    only(browser, "risk")
    loaded(browser, f"{size:,}", "the copied view")
    assert name in text(browser, ids.FILTER_CHIPS) and active(browser) == ["risk"]
    wait_for(browser, lambda d: f"of {size:,} students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="the copied view's risk")

    click(browser, "//*[@id='filters-clear']")  # a filter cleared on one tab is cleared on all
    loaded(browser, "2,000", "everyone")
    open_tab(browser, "overview")
    wait_for(browser, lambda d: "persona=" not in d.current_url and in_view(d) == "2,000", what="no filter")
    assert "Showing every student" in text(browser, ids.FILTER_BAR)


def test_back_and_forward_walk_the_tabs_and_the_filters(server, browser):  # noqa: F811
    browser.get(server)
    settled(browser, "overview")
    _, size = slice_of(browser, ids.TRAJECTORY_DONUT, 0)
    click_slice(browser, ids.TRAJECTORY_DONUT, 0)
    loaded(browser, f"{size:,}", "one trajectory")
    open_tab(browser, "explore")
    open_tab(browser, "insights")
    browser.back()
    wait_for(browser, lambda d: path(d) == "/explore" and d.find_elements("id", TAB_MARK["explore"]),
             what="back to Explore")
    only(browser, "explore")
    assert in_view(browser) == f"{size:,}" and active(browser) == ["explore"]
    browser.back()
    wait_for(browser, lambda d: d.find_elements("id", TAB_MARK["overview"]), what="back to the Overview")
    loaded(browser, f"{size:,}", "the Overview keeps the filter")
    browser.back()  # before the click: the whole cohort, same tab
    loaded(browser, "2,000", "back before the click")
    assert "trajectory=" not in browser.current_url
    only(browser, "overview")
    browser.forward()
    loaded(browser, f"{size:,}", "forward to the click")
    browser.forward()
    wait_for(browser, lambda d: path(d) == "/explore" and d.find_elements("id", TAB_MARK["explore"]),
             what="forward to Explore")


def test_switching_tabs_quickly_leaves_no_error(server, browser):  # noqa: F811
    """Tabs clicked before their panels answered: replies for panels no longer in the page are dropped quietly
    (the console-error check of every browser test and the server log check say so)."""
    browser.get(server)
    loaded(browser, "2,000", "demo loaded")
    for tab in ("explore", "risk", "overview", "subjects", "insights", "explore", "risk"):
        # a click event on the link (the bar moves as each tab's height changes under it)
        browser.execute_script("arguments[0].click();", browser.find_element("id", ids.tab_link(tab)))
    wait_for(browser, lambda d: d.find_elements("id", TAB_MARK["risk"]), what="the last tab clicked")
    settled(browser, "risk")
    only(browser, "risk")
    assert path(browser) == "/risk"
