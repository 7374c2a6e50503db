"""The page under its Content-Security-Policy in Chromium (no violation, the WebGL map drawn), an upload that
carries the page's token, and deleting that upload through the confirm step."""
import os

import pytest
from browser_checks import assert_accessible
from safe_app import small_csv
from test_browser import (browser, click, downloads, goto, in_view, loaded, server, text, traces, upload,  # noqa: F401
                          wait_for)

from backend.store import DatasetStore
from components import ids

pytestmark = [pytest.mark.browser, pytest.mark.warm_map]  # the first test waits for the map worker
RECORD_VIOLATIONS = ("window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {"
                     " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });")


@pytest.fixture(scope="module")
def watched(browser):  # noqa: F811
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


def test_the_dashboard_runs_under_its_policy(server, watched):  # noqa: F811
    goto(watched, server, "explore")
    wait_for(watched, lambda d: text(d, ids.TABLE_COUNT) == "2,000 students", what="demo loaded")
    wait_for(watched, lambda d: traces(d, ids.STUDENT_MAP) >= 5, timeout=240, what="the WebGL student map")
    assert watched.execute_script("return window.__csp") == []


def test_an_upload_is_deleted_through_the_confirm_step(server, watched, tmp_path, map_worker_dir):  # noqa: F811
    goto(watched, server, "overview")  # the upload card is on every tab; the Overview has no grid still filling
    loaded(watched, "2,000", "demo loaded")
    path = tmp_path / "class to delete.csv"
    path.write_bytes(small_csv(77, rows=200))
    upload(watched, path)
    wait_for(watched, lambda d: "Loaded class to delete.csv: 200 students" in text(d, ids.UPLOAD_STATUS),
             what="upload with the page's token")
    dataset = watched.execute_script("return new URLSearchParams(location.search).get('dataset')")
    # the file is kept under its content hash (a signed-in person's dataset id also names its uploader)
    stored = os.path.join(map_worker_dir, "uploads", f"{DatasetStore.content_hash(path.read_bytes())}.bin")
    assert os.path.exists(stored)
    click(watched, f"//*[@id='{ids.DELETE_OPEN}']")
    wait_for(watched, lambda d: text(d, ids.DELETE_NAME) == "class to delete.csv", what="the confirm step")
    assert_accessible(watched, "the delete confirm step")
    click(watched, f"//*[@id='{ids.DELETE_CONFIRM}']")
    wait_for(watched, lambda d: "Deleted class to delete.csv" in text(d, ids.DELETE_STATUS), what="deleted")
    assert not os.path.exists(stored)
    # the page moves to the newest remaining upload: the demo here, or a file another test process's server
    # stored meanwhile (under xdist both share one store): never the deleted one
    wait_for(watched, lambda d: d.execute_script("return new URLSearchParams(location.search).get('dataset')")
             not in (dataset, None), what="the page left the deleted dataset")
    wait_for(watched, lambda d: int((in_view(d) or "0").replace(",", "") or 0) > 0, what="another dataset shown")
    assert watched.execute_script("return window.__csp") == []
