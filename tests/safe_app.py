"""Helpers for the storage, erasure, audit and hardening tests: an app on its own data folder and a browser-like
test client that carries the page's security token."""
from __future__ import annotations

from analytics.ingest.generate import generate_students


def small_csv(seed: int, rows: int = 150) -> bytes:
    """A valid student file; each seed gives other bytes."""
    return generate_students(rows, seed=seed).to_csv(index=False).encode()


def make_app(directory: str, default_data: str | None = None, max_bytes: int = 2**20):
    from app import create_app
    from backend.store import DatasetStore

    store = DatasetStore(directory, max_bytes=max_bytes)
    return create_app(store=store, default_data=default_data, start=False), store


class Client:
    """The Flask test client as the page uses it: it has loaded the page (so holds the token cookie) and sends
    the token with every upload."""

    def __init__(self, app):
        self.flask = app.server.test_client()
        self.flask.get("/")
        self.token = self.flask.get_cookie("_csrf_token").value

    def upload(self, data: bytes, filename: str, **headers):
        sent = {"X-Filename": filename, "X-CSRFToken": self.token, "Content-Type": "application/octet-stream",
                **headers}
        return self.flask.post("/api/upload", data=data, headers=sent)
