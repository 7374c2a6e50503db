"""Sign-in: anonymous requests for data are refused, POST /login sets a safe session cookie that times out when
idle, the first start's one-time link, COHORT_ATLAS_ADMIN, and `python app.py users add`."""
import io
import time

import pytest
from signin import login, signed_in_app

from backend.auth import setup
from backend.auth.users import Users
from callbacks.class_list import ROUTE as PRINT_ROUTE
from callbacks.upload import ROUTE as UPLOAD_ROUTE

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def signed(tmp_path_factory, kaggle_path):
    root = tmp_path_factory.mktemp("auth")
    with signed_in_app(root, default_data=str(kaggle_path), COHORT_ATLAS_ADMIN=f"head:{PASSWORD}") as (app, store):
        yield app, store, Users(str(root / "data"))


def test_anonymous_gets_401_for_data_and_a_redirect_for_pages(signed):
    app, _, _ = signed
    client = app.server.test_client()
    page = client.get("/?dataset=abc", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=%2F%3Fdataset%3Dabc"
    assert client.get("/" + PRINT_ROUTE, headers={"Accept": "text/html"}).status_code == 302
    assert client.get("/_dash-layout", headers={"Accept": "*/*"}).status_code == 401  # curl's Accept too
    for method, path in [("get", "/_dash-layout"), ("get", "/_dash-dependencies"),
                         ("post", "/_dash-update-component"), ("post", "/" + UPLOAD_ROUTE)]:
        reply = getattr(client, method)(path, headers={"Accept": "application/json"}, data=b"x")
        assert reply.status_code == 401, path
        assert reply.json["login"] == "/login"
    # what the sign-in page needs stays public, and the page itself is a plain form without script
    assert client.get("/assets/vendor/bootstrap-flatly.min.css").status_code == 200
    assert client.get("/assets/signin.css").status_code == 200
    form = client.get("/login").get_data(as_text=True)
    assert '<form method="post" action="/login">' in form and 'name="username"' in form and "<script" not in form
    assert 'for="password"' in form and 'autocomplete="current-password"' in form


def test_post_login_sets_an_httponly_lax_cookie_and_opens_the_data(signed):
    app, _, _ = signed
    client = app.server.test_client()
    wrong = login(client, "head", "wrong password")
    # the form is answered with the page and its message, not a 401 the browser would log as an error
    assert wrong.status_code == 200 and "do not match" in wrong.get_data(as_text=True)
    assert app.server.config["SESSION_COOKIE_NAME"] not in wrong.headers.get("Set-Cookie", "")
    assert client.get("/_dash-layout").status_code == 401
    assert login(client, "nobody", PASSWORD).status_code == 200 and client.get("/_dash-layout").status_code == 401
    right = client.post("/login", data={"username": "head", "password": PASSWORD, "next": "/?dataset=x"})
    assert right.status_code == 303 and right.headers["Location"] == "/?dataset=x"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/").status_code == 200
    # another site as the next page is never followed
    other = app.server.test_client()
    assert other.post("/login", data={"username": "head", "password": PASSWORD,
                                      "next": "//evil.example/"}).headers["Location"] == "/"


def test_the_cookie_is_secure_under_https(signed):
    app, _, _ = signed
    client = app.server.test_client()
    reply = client.post("/login", data={"username": "head", "password": PASSWORD}, base_url="https://atlas.school")
    assert "Secure" in reply.headers["Set-Cookie"]


def test_an_idle_session_ends_and_sign_out_ends_it_at_once(signed):
    app, _, _ = signed
    client = app.server.test_client()
    login(client, "head", PASSWORD)
    assert client.get("/_dash-layout").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = time.time() - 61 * 60  # past the 60-minute idle limit
    assert client.get("/_dash-layout").status_code == 401
    login(client, "head", PASSWORD)
    assert client.get("/logout").status_code == 200  # a page with a sign-out button: a link cannot sign you out
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/_dash-layout").status_code == 401


def test_every_page_has_a_sign_out_link(signed):
    app, _, _ = signed
    client = app.server.test_client()
    login(client, "head", PASSWORD)
    page = client.get("/").get_data(True)
    assert '<nav class="account-nav" aria-label="Account">' in page and '<a href="/logout">Sign out</a>' in page


def test_passwords_are_kept_as_argon2_hashes(signed):
    _, _, users = signed
    import sqlite3
    stored = sqlite3.connect(users.path).execute("select password from users where username='head'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_first_start_makes_an_admin_with_a_one_time_link(tmp_path, monkeypatch):
    monkeypatch.delenv("COHORT_ATLAS_ADMIN", raising=False)
    links = []
    users = Users(str(tmp_path))
    setup.first_admin(users, links.append)
    assert users.get("admin").role == "admin" and len(links) == 1
    token = links[0].rsplit("/", 1)[1]
    assert users.use_link(token).username == "admin"
    assert users.use_link(token) is None  # once only
    setup.first_admin(users, links.append)  # no password yet: the next start gives a new link
    assert len(links) == 2
    users.save("admin", "Our school", "admin", "a long password")
    setup.first_admin(users, links.append)
    assert len(links) == 2


def test_the_one_time_link_signs_in_through_the_app(tmp_path, kaggle_path, monkeypatch):
    monkeypatch.delenv("COHORT_ATLAS_ADMIN", raising=False)
    with signed_in_app(tmp_path, default_data=str(kaggle_path)) as (app, _):
        link = setup.first_link()
        assert link and link.startswith("/login/link/")
        client = app.server.test_client()
        assert client.get(link).status_code == 303
        assert client.get("/_dash-layout").status_code == 200
        again = app.server.test_client().get(link)
        assert again.status_code == 401 and "has been used or has expired" in again.get_data(as_text=True)


def test_admin_from_the_environment_is_created_then_updated(tmp_path):
    users = Users(str(tmp_path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COHORT_ATLAS_ADMIN", "ops:first password")
        setup.first_admin(users, print)
        patch.setenv("COHORT_ATLAS_ADMIN", "ops:second password")
        setup.first_admin(users, print)
    assert users.verify("ops", "second password").role == "admin"
    assert users.verify("ops", "first password") is None and users.count() == 1


def test_users_add_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    import app as app_module
    monkeypatch.setenv("COHORT_ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a teacher's password\n"))
    code = app_module.main(["users", "add", "mpatel", "--school", "School A", "--role", "teacher",
                            "--password-stdin", "--name", "Mr Patel", "--classes", "10A, 10B"])
    assert code == 0 and "mpatel: teacher at School A" in capsys.readouterr().out
    user = Users(str(tmp_path)).verify("mpatel", "a teacher's password")
    assert (user.school, user.role, user.name, user.classes) == ("School A", "teacher", "Mr Patel", ("10A", "10B"))
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    assert app_module.main(["users", "add", "bad", "--school", "A", "--role", "teacher", "--password-stdin"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        app_module.main(["users", "add", "bad", "--school", "A", "--role", "janitor"])


def test_python_app_py_prints_a_working_one_time_link_on_the_first_start(tmp_path):
    """`make run` on a fresh machine: the terminal shows the address to sign in with, and it signs in once."""
    import os
    import re
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.request
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "COHORT_ATLAS_CACHE": str(tmp_path / "cache"), "COHORT_ATLAS_DATA_DIR": str(tmp_path / "d"),
           "COHORT_ATLAS_MAP_WORKER": "0", "COHORT_ATLAS_DEMO": "cohort"}
    env.pop("COHORT_ATLAS_ADMIN", None)
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=root, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        link = None
        deadline = time.time() + 120
        while link is None and time.time() < deadline:
            line = proc.stderr.readline()
            found = re.search(rf"http://127\.0\.0\.1:{port}/login/link/\S+", line)
            link = found.group(0) if found else None
        assert link, "no sign-in link on the terminal"
        while time.time() < deadline:  # the link is printed just before the server starts listening
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        import http.cookiejar
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        assert opener.open(link, timeout=10).status == 200  # followed to the dashboard, signed in
        assert opener.open(f"http://127.0.0.1:{port}/_dash-layout", timeout=10).status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(link, timeout=10)
        assert refused.value.code == 401  # used once already
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_school_switches_shares_and_removal_from_the_terminal(tmp_path, monkeypatch, capsys):
    import app as app_module
    monkeypatch.setenv("COHORT_ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COHORT_ATLAS_CACHE", str(tmp_path / "cache"))
    users = Users(str(tmp_path))
    users.save("t1", "School A", "teacher", "password one")
    assert app_module.main(["school", "School A", "--ai", "on", "--special-roles", "admin,leader,teacher"]) == 0
    assert "AI provider on" in capsys.readouterr().out
    assert users.setting("School A", "ai") == "on" and users.setting("School B", "ai", "off") == "off"
    assert users.setting("School A", "special_roles") == "admin,leader,teacher"
    assert app_module.main(["school", "School A", "--special-roles", "janitor"]) == 2
    assert app_module.main(["users", "share", "abc123", "t1"]) == 0 and users.is_shared("abc123", "t1")
    assert app_module.main(["users", "list"]) == 0 and "t1\tSchool A\tteacher" in capsys.readouterr().out
    assert app_module.main(["users", "remove", "t1"]) == 0
    assert users.get("t1") is None and not users.is_shared("abc123", "t1")


def test_forms_carry_the_fields_the_hardening_layer_adds():
    from backend.auth import pages
    pages.FORM_FIELDS.append(lambda: '<input type="hidden" name="csrf_token" value="t">')
    try:
        page = pages.sign_in("/", None)
    finally:
        pages.FORM_FIELDS.clear()
    assert '<form method="post" action="/login"><input type="hidden" name="csrf_token" value="t">' in page
