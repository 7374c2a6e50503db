"""Sign-in in Chromium: the sign-in, sign-out and accounts pages pass axe-core and need no script; signing out
ends the session; signing in again through the form opens the dashboard."""
from browser_checks import assert_accessible
from test_browser import ADMIN, PASSWORD, browser, downloads, pytestmark, server, text, wait_for  # noqa: F401

from components import ids


def test_sign_out_and_in_again_through_accessible_pages(server, browser):  # noqa: F811
    browser.get(server + "accounts")
    wait_for(browser, lambda d: "Accounts of" in d.find_element("tag name", "h1").text, what="the accounts page")
    assert ADMIN in browser.find_element("tag name", "table").text
    assert_accessible(browser, "the accounts page")
    browser.get(server + "logout")
    assert_accessible(browser, "the sign-out page")
    browser.find_element("css selector", "form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_elements("id", "username"), what="the sign-in page after signing out")
    assert browser.execute_script("return document.scripts.length") == 0
    assert_accessible(browser, "the sign-in page")
    browser.get(server + "explore?dataset=unknown")  # signed out: the dashboard sends the browser to sign in
    wait_for(browser, lambda d: "/login?next=" in d.current_url, what="the redirect to sign in")
    browser.find_element("id", "username").send_keys(ADMIN)
    browser.find_element("id", "password").send_keys(PASSWORD)
    browser.find_element("css selector", "form button[type=submit]").click()
    wait_for(browser, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="the dashboard again")
    assert "dataset=" in browser.current_url
