"""The leadership report opened in headless Chromium with the network switched off: it draws in full (headline
figures, charts, every section) and the browser's performance log shows no request but the file itself."""
import json

import pytest

from analytics.report.build import build
from analytics.report.render import render
from browser_server import start_chromium
from test_browser import pytestmark  # noqa: F401


@pytest.fixture(scope="module")
def offline_browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("report-profile"), tmp_path_factory.mktemp("downloads"),
                            logs={"performance": "ALL", "browser": "ALL"})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                                "downloadThroughput": 0, "uploadThroughput": 0})
    yield driver
    driver.quit()


def test_the_report_opens_offline_and_requests_nothing(offline_browser, kaggle, kaggle_risk, kaggle_whatif,
                                                       tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render(build(kaggle, risk=kaggle_risk, ctx=kaggle_whatif)), encoding="utf-8")
    driver = offline_browser
    driver.get_log("performance")
    driver.get(page.as_uri())
    assert driver.find_element("tag name", "h1").text == "Cohort report"
    assert driver.find_element("css selector", '[data-figure="students"]').text == f"{kaggle.rows:,}"
    assert len(driver.find_elements("css selector", "svg rect")) >= 10
    headings = [h.text for h in driver.find_elements("tag name", "h2")]
    assert {"Personas", "Trajectories", "Group gaps", "Insights", "Data quality"} <= set(headings)
    sent = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in sent if m.get("method") == "Network.requestWillBeSent"]
    assert urls and all(url == page.as_uri() for url in urls), urls
    assert not [m for m in sent if m.get("method") == "Network.loadingFailed"]
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
