"""Turning sign-in on for a Dash app: accounts, sessions, the gate, single sign-on, the identity provider, and
the first admin (COHORT_ATLAS_ADMIN, or on the first start a one-time sign-in link printed on the terminal)."""
from __future__ import annotations

import logging
import os
import sys
import time

import flask_login
from flask import current_app, has_request_context

from backend import identity
from backend.audit import log_for
from backend.identity import LOCAL

from . import access, admin, oidc, web
from .users import Users, data_dir

log = logging.getLogger("cohort_atlas")
DEFAULT_SCHOOL = "Our school"
_state: dict = {}  # the signed-in app's Flask server and accounts: what a background job reads its caller with


def default_school() -> str:
    return os.environ.get("COHORT_ATLAS_SCHOOL") or DEFAULT_SCHOOL


def log_link(path: str) -> None:
    log.warning("one-time sign-in link: %s", path)  # under gunicorn, the log is the terminal


ANNOUNCE = [log_link]  # python app.py swaps in a no-op and prints the link with its host and port


def install(app, store, announce=None) -> Users:
    """Sign-in for everything `app` serves. `announce(path)` shows the first run's one-time link (`announce`
    below, logged by default; `python app.py` prints the whole address instead)."""
    server, prefix = app.server, app.config.routes_pathname_prefix
    users = Users(data_dir(store.directory))
    access.use_accounts(users)
    web.configure(server, users, users_dir(users))
    server.extensions[web.AUDIT] = log_for(store.directory)
    sso = oidc.settings()
    web.routes(server, users, prefix, sso)
    if sso:
        oidc.install(server, users, prefix, sso)
    admin.install(server, users, store, prefix)
    _state.update(server=server, users=users)
    identity.use(current)
    # Every page has a way out; plain HTML in the page template, so it needs no callback and no script.
    app.index_string = app.index_string.replace(
        "{%app_entry%}", f'<nav class="account-nav" aria-label="Account"><a href="{prefix}accounts">Accounts</a> · '
                         f'<a href="{prefix}logout">Sign out</a></nav>{{%app_entry%}}', 1)
    first_admin(users, announce or ANNOUNCE[0], prefix)
    return users


def users_dir(users: Users) -> str:
    return os.path.dirname(users.path)


def first_admin(users: Users, announce, prefix: str = "/") -> None:
    """COHORT_ATLAS_ADMIN=username:password creates or updates that admin; with no account at all, an admin is
    made, and while no account has a password a one-time sign-in link is announced (a path: the caller adds
    the host and port)."""
    wanted = os.environ.get("COHORT_ATLAS_ADMIN")
    if wanted:
        username, _, password = wanted.partition(":")
        if not password:
            raise SystemExit("COHORT_ATLAS_ADMIN must be username:password")
        found = users.get(username)
        users.save(username, found.school if found else default_school(), "admin", password,
                   found.name if found else "", found.classes if found else (), found.email if found else None)
        return
    if users.count() == 0:
        users.save("admin", default_school(), "admin")
    admin = users.admin_without_password()
    if admin:  # until the admin has set a password (users add ... --password-stdin), each start gives a link
        _state["link"] = f"{prefix}login/link/{users.new_link(admin)}"
        announce(_state["link"])


def first_link() -> str | None:
    """The path of the one-time link made on this start (None when none was needed)."""
    return _state.get("link")


def current() -> identity.Identity | None:
    """Who is acting: the signed-in person of this request; in a background job, the person whose request
    started it (from the session cookie Dash hands the job); the server itself for its own work."""
    if has_request_context():
        if getattr(current_app, "login_manager", None) is None:
            return LOCAL  # an app in this process that has no sign-in (tools, tests)
        account = flask_login.current_user
        return account.user.identity if account.is_authenticated else None
    cookies = _job_cookies()
    if cookies is None:
        return LOCAL
    return _from_cookie(cookies.get(_state["server"].config["SESSION_COOKIE_NAME"]))


def _job_cookies() -> dict | None:
    if "server" not in _state:
        return None
    from dash._callback_context import context_value
    try:
        found = context_value.get()
    except LookupError:
        return None
    return getattr(found, "cookies", None)


def _from_cookie(cookie: str | None) -> identity.Identity | None:
    server = _state["server"]
    if not cookie:
        return None
    lifetime = server.permanent_session_lifetime.total_seconds()
    try:
        data = server.session_interface.get_signing_serializer(server).loads(cookie, max_age=lifetime)
    except Exception:  # tampered or expired: nobody
        return None
    if time.time() - data.get("seen", 0) > web.idle_minutes() * 60:
        return None
    user = _state["users"].get(data.get("_user_id"))
    return user.identity if user else None


def print_link(base_url: str) -> None:
    link = first_link()
    if link:
        print(f"\n    First start: sign in as admin with this one-time link (valid 24 hours):\n\n"
              f"        {base_url.rstrip('/')}{link}\n", file=sys.stderr, flush=True)
