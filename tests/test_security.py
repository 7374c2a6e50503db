"""Hardening: security headers with a Content-Security-Policy that covers Dash's inline scripts, cross-site
requests refused, body limits answered with 413 and a message, malformed asset paths answered with 404."""
import base64
import hashlib
import json
import logging
import os
import re

import pytest
from safe_app import Client, make_app, small_csv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    os.environ.setdefault("COHORT_ATLAS_MIN_FREE_MB", "0")
    app, store = make_app(str(tmp_path_factory.mktemp("data")))
    return app, store, Client(app)


def stored(store) -> set[str]:
    return {name for name in os.listdir(store.uploads.root) if name.endswith(".bin")}


def test_pages_assets_and_replies_carry_the_security_headers(served):
    app, _, client = served
    for path in ("/", "/assets/style.css", "/_dash-layout", "/no-such-page"):
        reply = client.flask.get(path)
        headers = reply.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin" and headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path


def test_the_policy_allows_dash_s_inline_scripts_by_hash_and_no_other(served):
    _, _, client = served
    page = client.flask.get("/")
    policy = page.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "default-src 'self'" in policy
    html = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)  # Dash's old-IE notice sits in a comment
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    runnable = [body for attrs, body in inline if "application/json" not in attrs]
    assert runnable  # Dash's renderer start-up and the clientside callbacks
    for body in runnable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


def test_a_cross_site_upload_is_refused_and_nothing_is_kept(served):
    _, store, client = served
    before = stored(store)
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page.html"}, {"Sec-Fetch-Site": "cross-site"}):
        reply = client.upload(small_csv(1), "evil.csv", **{"Content-Type": "text/plain", **headers})
        assert reply.status_code == 403 and "refused" in reply.json["error"], headers
    assert stored(store) == before


def test_an_upload_from_the_page_needs_its_token(served):
    app, store, client = served
    same_site = {"Origin": "http://localhost"}
    missing = client.flask.post("/api/upload", data=small_csv(2), headers={"X-Filename": "a.csv", **same_site})
    forged = client.flask.post("/api/upload", data=small_csv(2),
                               headers={"X-Filename": "a.csv", "X-CSRFToken": "made.up", **same_site})
    assert missing.status_code == forged.status_code == 403 and "security token" in missing.json["error"]
    ok = client.upload(small_csv(2), "a.csv", **same_site)
    assert ok.status_code == 200 and store.has(ok.json["dataset_id"])


def _callback_body(dataset_id: str) -> dict:
    return {"output": "..delete-modal.is_open...delete-name.children..",
            "outputs": [{"id": "delete-modal", "property": "is_open"}, {"id": "delete-name", "property": "children"}],
            "inputs": [{"id": "delete-open", "property": "n_clicks", "value": 1},
                       {"id": "delete-cancel", "property": "n_clicks", "value": None}],
            "state": [{"id": "dataset-id", "property": "data", "value": dataset_id}],
            "changedPropIds": ["delete-open.n_clicks"]}


def test_dash_callbacks_from_another_site_or_too_large_are_refused(served):
    app, store, client = served
    dataset = client.upload(small_csv(3), "b.csv").json["dataset_id"]
    body = json.dumps(_callback_body(dataset))
    url = "/_dash-update-component"
    evil = client.flask.post(url, data=body, content_type="application/json", headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    page = client.flask.post(url, data=body, content_type="application/json",
                             headers={"Origin": "http://localhost", "X-CSRFToken": client.token})
    assert page.status_code == 200 and "b.csv" in page.text
    huge = json.dumps({**_callback_body(dataset), "padding": "x" * (2 * 2**20)})
    too_large = client.flask.post(url, data=huge, content_type="application/json")
    assert too_large.status_code == 413 and "larger than the server accepts" in too_large.json["error"]


@pytest.mark.parametrize("path", ["/assets/%00", "/assets/../app.py", "/assets/..%2f..%2fapp.py",
                                  "/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/../../x.js",
                                  "/_dash-component-suites/dash/%ff%fe.js", "/assets/" + "a" * 5000,
                                  "/_dash-component-suites/plotly/package_data/nothing.min.js"])
def test_a_malformed_asset_path_is_a_plain_404(served, path, caplog):
    _, _, client = served
    with caplog.at_level(logging.ERROR):
        reply = client.flask.get(path)
    assert reply.status_code == 404 and b"Traceback" not in reply.data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_make_run_and_the_default_server_stay_on_this_machine():
    from app import _args

    assert _args([]).host == "127.0.0.1"
    with open(os.path.join(ROOT, "Makefile")) as fh:
        makefile = fh.read()
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.M)
    assert "$(PY) app.py --host $(HOST)" in makefile
    with open(os.path.join(ROOT, "gunicorn.conf.py")) as fh:
        assert '"COHORT_ATLAS_BIND", "127.0.0.1:8050"' in fh.read()


def test_an_html_form_posts_the_token_in_a_hidden_field(tmp_path):
    from backend.security import form_token

    app, _ = make_app(str(tmp_path / "data"))

    @app.server.route("/form-test", methods=["GET", "POST"])
    def form_test():
        return form_token()

    client = app.server.test_client()
    token = client.get("/form-test").text  # the page renders the token it also sets as the cookie
    assert client.get_cookie("_csrf_token").value == token
    origin = {"Origin": "http://localhost"}
    assert client.post("/form-test", data={"csrf_token": token}, headers=origin).status_code == 200
    assert client.post("/form-test", data={"csrf_token": "x.y"}, headers=origin).status_code == 403


def test_forged_uploads_do_not_use_up_the_person_s_upload_rate(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_ATLAS_UPLOAD_RATE", "2 per minute")
    app, _ = make_app(str(tmp_path / "data"))
    client = Client(app)
    forged = [client.upload(small_csv(9), "x.csv", Origin="http://evil.example").status_code for _ in range(5)]
    assert forged == [403] * 5
    assert [client.upload(small_csv(s), f"{s}.csv").status_code for s in (7, 8, 9)] == [200, 200, 429]
