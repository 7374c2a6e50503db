"""What every response and every state-changing request goes through: security headers with a Content-Security-
Policy Dash runs under, cross-site request refusal (Origin/Referer and a token), request body limits, a read
timeout for slow clients, and quiet 404s for malformed asset paths.

CSRF: a POST (PUT, PATCH, DELETE) whose Origin, else Referer, names another host, or that the browser marks
Sec-Fetch-Site: cross-site, is refused with 403. Every response sets the `_csrf_token` cookie (a random value
signed with the server's key, SameSite=Strict); Dash's renderer sends it back in the X-CSRFToken header on every
callback, assets/upload.js on every upload, and an HTML form in a hidden `csrf_token` field (`form_token()`). Every POST from a browser (one with an Origin or Referer) needs
it, and so does an upload that carries cookies (a signed-in script echoes the cookie it was given). A request
with no Origin, no Referer and no cookie comes from no browser, so no other site can have sent it.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from urllib.parse import urlsplit

from dash.exceptions import DependencyException
from flask import Response, current_app, g, has_request_context, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

log = logging.getLogger(__name__)
TOKEN_COOKIE, TOKEN_HEADER = "_csrf_token", "X-CSRFToken"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_FILE = "csrf.key"


def _mb(name: str, default: float) -> int:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = default
    return int((value if value > 0 else default) * 2**20)


def callback_max_bytes() -> int:
    """Largest body of a callback or any other request but an upload (COHORT_ATLAS_CALLBACK_MB, default 1)."""
    return _mb("COHORT_ATLAS_CALLBACK_MB", 1)


def read_seconds() -> float:
    """How long a request may wait for its client's next bytes (COHORT_ATLAS_READ_SECONDS, default 30)."""
    try:
        value = float(os.environ.get("COHORT_ATLAS_READ_SECONDS", 30))
    except ValueError:
        return 30.0
    return value if value > 0 else 30.0


def server_key(directory: str) -> bytes:
    """COHORT_ATLAS_SECRET, else a random key made once in the data folder (shared by every worker)."""
    configured = os.environ.get("COHORT_ATLAS_SECRET")
    if configured:
        return configured.encode()
    path = os.path.join(directory, KEY_FILE)
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        pass
    os.makedirs(directory, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    except FileExistsError:
        pass  # another worker made it first
    with open(path, "rb") as fh:
        return fh.read()


def make_token(key: bytes) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:32]}"


def valid_token(key: bytes, token: str | None) -> bool:
    nonce, _, signature = (token or "").partition(".")
    expected = hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:32]
    return bool(nonce) and hmac.compare_digest(signature, expected)


def session_key() -> str | None:
    """A stable, non-secret name for this browser session (the audit log's "first view per session")."""
    token = request.cookies.get(TOKEN_COOKIE)
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else None


def _host_of(url: str | None) -> str | None:
    try:
        return urlsplit(url).netloc.lower() if url else None
    except ValueError:
        return "?"


def allowed_hosts() -> set[str]:
    """The request's own host, plus COHORT_ATLAS_ALLOWED_ORIGINS (comma separated) behind a rewriting proxy."""
    extra = {_host_of(o.strip()) for o in os.environ.get("COHORT_ATLAS_ALLOWED_ORIGINS", "").split(",") if o.strip()}
    return {request.host.lower()} | {h for h in extra if h}


def cross_site_reason() -> str | None:
    """Why this request looks sent by another site, or None."""
    origin, referer = request.headers.get("Origin"), request.headers.get("Referer")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return "the browser says it came from another site"
    if origin is not None:
        if origin == "null" or _host_of(origin) not in allowed_hosts():
            return f"it came from {origin[:80]}"
    elif referer is not None and _host_of(referer) not in allowed_hosts():
        return "it came from another site's page"
    return None


def policy(hashes: list[str]) -> str:
    """The Content-Security-Policy: scripts only from this server or Dash's own inline scripts (by hash), so
    no injected <script> or event handler runs. Two allowances Plotly needs: the WebGL map (scattergl) compiles
    its draw calls with Function() ('unsafe-eval'), and Plotly and Dash set element styles at run time
    (style-src 'unsafe-inline'; styles cannot run code)."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' " + " ".join(hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install(app, directory: str, upload_path: str) -> None:
    """Wire the checks into the app's Flask server. Call after every callback is registered: the policy hashes
    Dash's inline scripts, clientside callbacks included."""
    server = app.server
    key = server_key(directory)
    server.extensions["cohort_atlas_csrf_key"] = key
    server.config["MAX_CONTENT_LENGTH"] = callback_max_bytes()  # bodies Flask reads itself: callbacks, forms
    found: dict[str, str] = {}

    def csp() -> str:
        if "policy" not in found:
            found["policy"] = policy(app.csp_hashes())
        return found["policy"]

    @server.before_request
    def guard():
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:  # a client that stops sending holds a thread this long at most
            sock.settimeout(read_seconds())
        if request.path == upload_path:
            request.max_content_length = 2**62  # the upload route sizes and limits its own body
        elif (request.content_length or 0) > callback_max_bytes():
            return _too_large()
        if request.method not in UNSAFE:
            return None
        reason = cross_site_reason()
        if reason:
            log.warning("refused a cross-site %s %s: %s", request.method, request.path, reason)
            return jsonify({"error": f"refused: this request was not sent by this site's page ({reason})"}), 403
        browser = "Origin" in request.headers or "Referer" in request.headers
        needs_token = browser or (request.path == upload_path and bool(request.cookies))
        if needs_token:
            token = request.headers.get(TOKEN_HEADER) or _form_field()
            if not (valid_token(key, token) and hmac.compare_digest(token, request.cookies.get(TOKEN_COOKIE, ""))):
                return jsonify({"error": "refused: the page's security token is missing or out of date; reload "
                                         "the page and try again"}), 403
        return None

    @server.after_request
    def headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers.setdefault("Content-Security-Policy", csp())
        if not valid_token(key, request.cookies.get(TOKEN_COOKIE)):
            response.set_cookie(TOKEN_COOKIE, g.get("csrf_token") or make_token(key), samesite="Strict",
                                secure=request.is_secure, httponly=False, path=app.config.requests_pathname_prefix)
        return response

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_err):
        return _too_large()

    @server.errorhandler(DependencyException)
    def no_such_asset(_err):
        return Response("Not found", status=404, mimetype="text/plain")

    @server.errorhandler(TimeoutError)
    def slow_client(_err):
        return Response("The request body did not arrive in time", status=408, mimetype="text/plain")

    @server.errorhandler(UnicodeError)
    def bad_path(_err):  # a path or query that does not decode
        return Response("Not found", status=404, mimetype="text/plain")


def form_token() -> str:
    """The token an HTML form posts back in a hidden `csrf_token` field (a sign-in page, say): this browser's
    cookie, or the one this response is about to set."""
    key = current_app.extensions["cohort_atlas_csrf_key"]
    found = request.cookies.get(TOKEN_COOKIE)
    if valid_token(key, found):
        return found
    if "csrf_token" not in g:
        g.csrf_token = make_token(key)
    return g.csrf_token


def form_field() -> str:
    """The hidden input that carries `form_token()` in an HTML form (none outside a request of this server)."""
    if not has_request_context() or "cohort_atlas_csrf_key" not in current_app.extensions:
        return ""
    return f'<input type="hidden" name="csrf_token" value="{form_token()}">'


def _form_field() -> str | None:
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.get("csrf_token")
    return None


def _too_large():
    limit = callback_max_bytes()
    return jsonify({"error": f"the request is larger than the server accepts ({limit / 2**20:g} MB; "
                             "COHORT_ATLAS_CALLBACK_MB); files go through the upload card"}), 413
