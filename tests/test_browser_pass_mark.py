"""In headless Chromium: a typed pass mark goes into the address, and that address reopens with it."""
import re

from test_browser import browser, downloads, goto, pytestmark, server, text, wait_for  # noqa: F401

from components import ids


def pass_mark_box(driver):
    return driver.find_element("id", ids.PASS_MARK)


def test_a_typed_pass_mark_lives_in_the_url(server, browser):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    goto(browser, server, "risk")
    wait_for(browser, lambda d: "students in view" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="risk summary for the demo cohort")
    assert "pass_mark" not in browser.current_url
    box = pass_mark_box(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.send_keys("47.5", Keys.ENTER)
    wait_for(browser, lambda d: "pass_mark=47.5" in d.current_url, what="pass mark in the address")
    wait_for(browser, lambda d: "Pass mark 47.5: set by you" in text(d, ids.RISK_SUMMARY), what="summary at 47.5")
    address = browser.current_url
    assert re.search(r"[?&]dataset=\w+", address) and "/risk?" in address

    browser.get("about:blank")
    browser.get(address)
    wait_for(browser, lambda d: pass_mark_box(d).get_attribute("value") == "47.5", what="pass mark restored")
    wait_for(browser, lambda d: "Pass mark 47.5: set by you" in text(d, ids.RISK_SUMMARY), timeout=120,
             what="summary reopened at 47.5")
