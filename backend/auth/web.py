"""The web side of sign-in: sessions, the sign-in page, POST /login, one-time links, sign-out, and the gate
that answers every anonymous request for data with 401 (scripts) or a redirect to the sign-in page (pages)."""
from __future__ import annotations

import os
import secrets
import time
from urllib.parse import urlencode

import flask_login
from flask import Response, current_app, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from ..identity import Identity
from . import pages
from .users import Users

IDLE_MINUTES = 60
SEEN_EVERY = 60  # seconds between refreshes of the idle clock (each one re-sends the cookie)
AUDIT = "cohort_atlas_audit"  # server.extensions: the AuditLog sign-ins go to
PUBLIC_ASSETS = ("assets/vendor/", "assets/style.css", "assets/signin.css", "_favicon.ico")


class Account(flask_login.UserMixin):
    def __init__(self, user):
        self.user = user

    def get_id(self) -> str:
        return self.user.username


class Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS (or the operator says so)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def idle_minutes() -> float:
    return float(os.environ.get("COHORT_ATLAS_IDLE_MINUTES") or IDLE_MINUTES)


def secret_key(directory: str) -> str:
    """COHORT_ATLAS_SECRET_KEY, or a key made once and kept in the data folder (so sessions survive restarts and
    every gunicorn worker signs alike)."""
    if os.environ.get("COHORT_ATLAS_SECRET_KEY"):
        return os.environ["COHORT_ATLAS_SECRET_KEY"]
    path = os.path.join(directory, "secret.key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    with open(path) as fh:
        return fh.read().strip()


def configure(server, users: Users, directory: str) -> flask_login.LoginManager:
    server.secret_key = secret_key(directory)
    server.session_interface = Sessions()
    from datetime import timedelta
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_NAME="cohort_atlas_session",
                         SESSION_COOKIE_SECURE=os.environ.get("COHORT_ATLAS_SECURE_COOKIES", "") == "1",
                         PERMANENT_SESSION_LIFETIME=timedelta(minutes=idle_minutes()),
                         SESSION_REFRESH_EACH_REQUEST=False, REMEMBER_COOKIE_DURATION=0)
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def load(username: str):
        user = users.get(username)
        return Account(user) if user else None

    return manager


def sign_in(user, how: str = "password") -> None:
    session.clear()  # a fresh session: nothing from before sign-in carries over
    session.permanent = True
    session["seen"] = time.time()
    flask_login.login_user(Account(user))
    audit("sign-in", Identity(user.username, user.school, user.role), how)


def audit(action: str, who: Identity, detail: str | None = None) -> None:
    """An entry in the audit log (backend/audit.py) of the store this server serves, once it is installed."""
    found = current_app.extensions.get(AUDIT)
    if found is not None:
        found.record(action, detail=detail, who=who)


def safe_next(target: str | None, home: str) -> str:
    """Only a path on this server: never another site (`//evil`, `https://evil`), never a backslash trick."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return home
    return target


def wants_page() -> bool:
    """A browser navigating (a redirect helps) rather than a script (a 401 tells it what happened)."""
    if request.method not in ("GET", "HEAD") or request.headers.get("X-Requested-With"):
        return False
    accept = request.accept_mimetypes
    return accept.accept_html and accept["text/html"] >= accept["application/json"]


def form_post() -> bool:
    """A browser's HTML form (its answer is a page, never a 401 that the browser would report as an error)."""
    return request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")


def routes(server, users: Users, prefix: str, sso) -> None:
    home = prefix
    public = tuple(prefix + path for path in PUBLIC_ASSETS)
    entry = (prefix + "login", prefix + "logout")
    scripts = (prefix + "_dash-", prefix + "api/")  # never a page: always 401, whatever they accept

    @server.before_request
    def gate():
        path = request.path
        if path.startswith(public) or path in entry or path.startswith(prefix + "login/"):
            return None
        if flask_login.current_user.is_authenticated:
            seen = session.get("seen", 0)
            if time.time() - seen > idle_minutes() * 60:
                flask_login.logout_user()
                session.clear()
            else:
                if time.time() - seen > SEEN_EVERY:
                    session["seen"] = time.time()
                return None
        if wants_page() and not path.startswith(scripts):
            full = request.full_path if request.query_string else path
            return redirect(prefix + "login?" + urlencode({"next": full}))
        return jsonify({"error": "Sign in to use Cohort Atlas.", "login": prefix + "login"}), 401

    @server.get(prefix + "login")
    def login_page():
        if flask_login.current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), home))
        return _page(prefix, request.args.get("next"), sso=sso)

    @server.post(prefix + "login")
    def login():
        username = request.form.get("username", "").strip()
        user = users.verify(username, request.form.get("password", ""))
        if user is None:
            known = users.get(username) if username else None
            audit("sign-in-failed", Identity(username[:64] or "(none)", known.school if known else "", ""),
                  "wrong password" if known else "unknown username")
            # a form's answer is a page with the message (200): a 401 would be a console error in the browser
            return _page(prefix, request.form.get("next"), "That username and password do not match an account.",
                         sso, 200 if form_post() else 401)
        sign_in(user)
        return redirect(safe_next(request.form.get("next") or request.args.get("next"), home), 303)

    @server.get(prefix + "login/link/<token>")
    def login_link(token: str):
        user = users.use_link(token)
        if user is None:
            return _page(prefix, None, "That sign-in link has been used or has expired. Sign in with a password, "
                         "or start the server again for a new link.", sso, 401)
        sign_in(user)
        return redirect(home, 303)

    @server.route(prefix + "logout", methods=["GET", "POST"])
    def logout():
        if request.method == "POST" or not flask_login.current_user.is_authenticated:
            flask_login.logout_user()
            session.clear()
            return redirect(prefix + "login", 303)
        return Response(pages.sign_out(prefix), mimetype="text/html")


def _page(prefix: str, next_url: str | None, error: str | None = None, sso=None, status: int = 200) -> Response:
    return Response(pages.sign_in(prefix, next_url, error, sso.label if sso else None), status=status,
                    mimetype="text/html")
