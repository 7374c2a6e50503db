"""Upload rate limits (Flask-Limiter): COHORT_ATLAS_UPLOAD_RATE per person, "10 per minute;200 per day" by
default. Counted in memory (per web process) unless REDIS_URL is set, when every worker shares the counts in
Redis. A refusal is a 429 whose JSON `error` says how long to wait, as the upload card shows it."""
from __future__ import annotations

import os

from flask import jsonify, request
from flask_limiter import Limiter

from . import identity

DEFAULT_RATE = "10 per minute;200 per day"


def upload_rate() -> str:
    return os.environ.get("COHORT_ATLAS_UPLOAD_RATE", "").strip() or DEFAULT_RATE


def who_is_uploading() -> str:
    """The signed-in person; without sign-in everyone is the one local user, so the client's address."""
    try:
        who = identity.current()
    except RuntimeError:
        who = None
    if who is None or who == identity.LOCAL:
        return "addr:" + (request.remote_addr or "?")
    return "user:" + who.username


def install(server, endpoint: str) -> Limiter:
    """Limit the view `endpoint` (the upload route) of a Flask server."""
    storage = os.environ.get("REDIS_URL") or "memory://"
    limiter = Limiter(who_is_uploading, app=server, storage_uri=storage, strategy="moving-window",
                      headers_enabled=True, swallow_errors=True)  # a Redis outage never blocks an upload
    view = server.view_functions[endpoint]
    server.view_functions[endpoint] = limiter.limit(upload_rate, methods=["POST"])(view)

    @server.errorhandler(429)
    def too_many(err):
        limit = getattr(err, "limit", None)
        rate = str(limit.limit) if limit is not None else upload_rate()
        return jsonify({"error": f"too many uploads: at most {rate} (COHORT_ATLAS_UPLOAD_RATE); wait a little "
                                 "and upload again"}), 429

    return limiter
