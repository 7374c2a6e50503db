"""Sign-in with the report, the counsellor view, class pages, the audit log and the forms' security token: another
school's dataset answers exactly like an unknown one, sign-ins are audited, and every form carries its token."""
import re

import pytest
from dash.exceptions import PreventUpdate
from signin import acting, job_of, login
import test_isolation
from test_isolation import LEADER_A, LEADER_B, PASSWORD, school_csv, view  # noqa: F401

from backend.audit import log_for
from backend.auth import access
from backend.report_job import _key, build_report
from callbacks.class_pages import page
from callbacks.counsellor import counsel_content
from callbacks.report import start

world = test_isolation.world  # the two schools, their accounts and school A's upload


def test_the_report_of_another_schools_dataset_is_never_started_built_or_downloaded(world):
    app, store, clients, dataset = world
    with acting(LEADER_B), pytest.raises(PreventUpdate):
        start(store, view(dataset), {}, False)
    ask = {"dataset_id": dataset, "personas": 4, "filters": {}, "include_students": False, "owner": "lead-b"}
    with job_of(clients["lead-b"], app):  # the job runs as whoever asked, read from their session
        assert build_report(store, ask)["error"] == "That dataset is no longer on the server."
    for owner in ("lead-a", "lead-b"):
        store.cache.set(_key(f"token-{owner}"), {"html": "<p>report</p>", "pdf": None, "owner": owner,
                                                 "stem": "report", "dataset_id": dataset, "filename": "year7.csv"})
    assert clients["lead-a"].get("/download/report/token-lead-a.html").status_code == 200
    assert clients["lead-b"].get("/download/report/token-lead-b.html").status_code == 404
    assert clients["lead-b"].get("/download/report/token-lead-a.html").status_code == 404


def test_class_pages_and_the_counsellor_answer_another_school_as_an_unknown_dataset(world):
    _, store, _, dataset = world
    with acting(LEADER_B):
        theirs = page(store, f"?dataset={dataset}&personas=4", "/")
        unknown = page(store, "?dataset=abc123abc123abc123abc123&personas=4", "/")
        assert theirs == unknown and theirs[1] == 404
        with pytest.raises(PreventUpdate):
            counsel_content(store, view(dataset), 0, key="")
    with acting(LEADER_A):
        assert page(store, f"?dataset={dataset}&personas=4", "/")[1] == 200


def test_sign_ins_and_failed_sign_ins_are_in_the_audit_log(world):
    app, store, _, _ = world
    client = app.server.test_client()
    assert login(client, "lead-b", "not the password").status_code == 200
    assert login(client, "nobody-here", "x").status_code == 200
    assert login(client, "lead-b", PASSWORD).status_code == 303
    events = [(e["action"], e["username"], e["school"], e["detail"]) for e in log_for(store.directory).events(3)]
    assert events == [("sign-in", "lead-b", "School B", "password"),
                      ("sign-in-failed", "nobody-here", "", "unknown username"),
                      ("sign-in-failed", "lead-b", "School B", "wrong password")]


def test_the_sign_in_form_carries_the_security_token_and_a_forged_post_is_refused(world):
    app, _, _, _ = world
    client = app.server.test_client()
    form = client.get("/login")
    assert form.status_code == 200 and "script-src" in form.headers["Content-Security-Policy"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    assert client.get_cookie("_csrf_token").value == token
    same_site = {"Origin": "http://localhost"}
    access._users.save("admin-a", "School A", "admin", PASSWORD)
    data = {"username": "admin-a", "password": PASSWORD}
    assert client.post("/login", data=data, headers=same_site).status_code == 403  # no token: refused
    assert client.post("/login", data=data, headers={"Origin": "http://evil.example"}).status_code == 403
    signed = client.post("/login", data={**data, "csrf_token": token}, headers=same_site)
    assert signed.status_code == 303
    for path in ("/logout", "/accounts"):
        page_html = client.get(path).get_data(as_text=True)
        forms = page_html.count('<form method="post"')
        assert forms and page_html.count(f'name="csrf_token" value="{token}"') == forms, path
    assert client.post("/logout", headers=same_site).status_code == 403
    assert client.post("/logout", data={"csrf_token": token}, headers=same_site).status_code == 303


def test_a_schools_admin_reads_only_their_schools_audit_entries(world):
    app, store, _, dataset = world
    access._users.save("admin-b", "School B", "admin", PASSWORD)
    client = app.server.test_client()
    assert login(client, "admin-b", PASSWORD).status_code == 303
    text = client.get("/admin/audit?format=csv").get_data(as_text=True)
    schools = {line.split(",")[2] for line in text.splitlines()[1:]}
    assert schools == {"School B"} and dataset not in text  # school A's upload and views stay theirs
    assert "admin-b" in client.get("/admin/audit").get_data(as_text=True)
