"""The audit log: who uploaded, viewed, exported and deleted which dataset, readable by admins and as CSV."""
import csv
import io
import os
import subprocess
import sys

import pandas as pd
import pytest
from safe_app import Client, make_app, small_csv

from backend import identity
from backend.audit import log_for
from backend.identity import Identity
from callbacks.context import request
from callbacks.datasets import delete
from callbacks.table import csv_download
from components.table import CSV_NAME

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANN = Identity("ann", "north", "leader")


@pytest.fixture(autouse=True)
def reset(monkeypatch):
    monkeypatch.setenv("COHORT_ATLAS_MIN_FREE_MB", "0")
    yield
    identity.use(None)


def actions(store) -> list[tuple]:
    return [(e["username"], e["action"], e["dataset_id"], e["filename"]) for e in reversed(log_for(store.directory).events())]


def test_each_action_is_in_the_audit_log_with_who_did_it(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    identity.use(lambda: ANN)
    client = Client(app)
    dataset = client.upload(small_csv(1), "=10B.csv").json["dataset_id"]
    view = {"dataset_id": dataset, "personas": 5}
    for session in ("first-browser", "first-browser", "second-browser"):  # the first view per session counts
        with app.server.test_request_context(headers={"Cookie": f"_csrf_token={session}"}):
            for _panel in range(3):
                request(store, view, filters={})
    with app.server.test_request_context(headers={"Cookie": "_csrf_token=first-browser"}):
        download = csv_download(store, view, {"gender": ["Female"]}, None)
    printed = client.flask.get(f"/print/class-list?dataset={dataset}")  # a third session: its view, then the print
    assert printed.status_code == 200 and download["filename"]
    with app.server.test_request_context():
        delete(store, dataset)
    found = [(who, action) for who, action, data, name in actions(store) if (data, name) == (dataset, "=10B.csv")]
    assert found == [("ann", "upload"), ("ann", "view"), ("ann", "view"), ("ann", "export"), ("ann", "view"),
                     ("ann", "export"), ("ann", "delete")]
    events = log_for(store.directory).events()
    females = int(pd.read_csv(io.BytesIO(small_csv(1)))["Gender"].eq("Female").sum())
    assert events[1]["detail"] == "printed class list: Whole cohort"
    assert events[3]["detail"] == f"{CSV_NAME}: {females:,} rows" and events[0]["school"] == "north"
    assert len({e["session"] for e in events if e["action"] == "view"}) == 3


def test_admins_read_the_log_and_export_it_as_csv(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    identity.use(lambda: Identity("tom", "north", "teacher"))
    client = Client(app)
    dataset = client.upload(small_csv(2), "=HYPERLINK(1).csv").json["dataset_id"]
    assert client.flask.get("/admin/audit").status_code == 403
    identity.use(lambda: None)
    assert client.flask.get("/admin/audit").status_code == 401
    identity.use(lambda: Identity("head", "north", "admin"))
    page = client.flask.get("/admin/audit")
    assert page.status_code == 200 and dataset in page.text and "tom" in page.text and "<script" not in page.text
    exported = client.flask.get("/admin/audit?format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["username"], r["action"], r["dataset_id"]) for r in rows] == [("tom", "upload", dataset)]
    assert rows[0]["filename"] == "'=HYPERLINK(1).csv"  # a spreadsheet shows it, never runs it
    out = tmp_path / "audit.csv"
    env = {**os.environ, "COHORT_ATLAS_CACHE": store.directory, "COHORT_ATLAS_MAP_WORKER": "0"}
    done = subprocess.run([sys.executable, "app.py", "audit", "export", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and out.read_bytes().decode() == exported.text


def test_only_admins_see_the_audit_log_link():
    from callbacks.datasets import audit_link_style

    assert audit_link_style() == {}  # the one local user, without sign-in, is the admin
    identity.use(lambda: Identity("tom", "north", "teacher"))
    assert audit_link_style() == {"display": "none"}
