"""In headless Chromium, the two-minute flow of a new user: upload the school's MIS export, pick a subject,
download that subject's intervention list; the CSV is read back and checked against the uploaded rows."""
import hashlib
import time

import numpy as np
import pandas as pd
from test_browser import (browser, click_css, downloads, goto, loaded, pytestmark, server, text,  # noqa: F401
                          upload, wait_for)
from test_mapping import mis_frame

from analytics.explore.filters import from_query
from backend.store import DatasetStore
from callbacks import interventions
from components import ids


def test_upload_pick_a_subject_and_download_its_intervention_list(server, browser, downloads,  # noqa: F811
                                                                   tmp_path, map_worker_dir):
    from selenium.webdriver.support.ui import Select

    frame = mis_frame(1500, 11)
    frame.loc[::14, "Maths Mock"] = np.nan  # pupils absent from the maths mock
    path = tmp_path / "year-10-export.csv"
    frame.to_csv(path, index=False)
    goto(browser, server, "risk")
    loaded(browser, "2,000", "demo loaded")
    assert not browser.find_element("id", ids.SUBJECT_BOX).is_displayed()  # the demo has no subjects

    start = time.perf_counter()
    upload(browser, path)
    loaded(browser, "1,500", "MIS export loaded")
    wait_for(browser, lambda d: d.find_element("id", ids.SUBJECT_BOX).is_displayed(), what="subject menu")
    menu = Select(browser.find_element("id", ids.SUBJECT))
    assert [o.text for o in menu.options if o.get_attribute("value")] == [
        "All subjects (combined score)", "Maths", "English", "Art"]
    menu.select_by_visible_text("Maths")
    wait_for(browser, lambda d: "subject=Maths" in d.current_url, what="subject in the address")
    wait_for(browser, lambda d: "predicted mean maths mark" in text(d, ids.RISK_SUMMARY).lower(), timeout=120,
             what="the Maths risk summary")
    wait_for(browser, lambda d: d.find_elements("css selector", f"#{ids.INTERVENTION_TABLE} .ag-header-cell"
                                                "[col-id='mark']") and text(d, ids.INTERVENTION_COUNT)
             .endswith("students"), timeout=60, what="the Maths intervention list")
    click_css(browser, f"#{ids.DOWNLOAD_INTERVENTIONS}", "Download CSV")
    exported = downloads / "cohort-atlas-interventions-maths.csv"
    wait_for(browser, lambda d: exported.exists() and exported.stat().st_size > 100, what="the Maths CSV")
    elapsed = time.perf_counter() - start
    print(f"\nupload -> pick Maths -> CSV downloaded: {elapsed:.1f} s")

    got = pd.read_csv(exported, encoding="utf-8-sig")
    shown = int(text(browser, ids.INTERVENTION_COUNT).split()[0].replace(",", ""))
    assert len(got) == shown > 0
    assert list(got.columns[:6]) == ["Priority", "Row", "UPN", "Student Name", "Persona", "Maths mark"]
    by_upn = frame.set_index("UPN")
    assert got["Student Name"].tolist() == by_upn.loc[got["UPN"], "Student Name"].tolist()
    assert np.allclose(got["Maths mark"], by_upn.loc[got["UPN"], "Maths Mock"], equal_nan=True)
    assert (got["Row"] - 2).tolist() == [int(np.flatnonzero(frame["UPN"] == u)[0]) for u in got["UPN"]]
    assert got["Chance below pass"].between(0, 1).all()
    # the same list, computed here from the server's own store: the rows, in the order shown
    store = DatasetStore(map_worker_dir)
    # the id the page shows names this file (under sign-in the id also holds the uploader and their school, and a
    # header layout remembered from an earlier upload adds the choices)
    dataset_id, _, _ = from_query(browser.execute_script("return window.location.search"))
    assert store.meta(dataset_id).content == hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    view = {"dataset_id": dataset_id, "personas": 5}
    _, expected = interventions.intervention_frame(store, view, None, None, None, "Maths")
    assert got["UPN"].tolist() == expected["UPN"].tolist()
    assert np.allclose(got["Chance below pass"], expected["chance_below"])
