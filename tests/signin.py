"""Helpers for the sign-in tests: a signed-in app on a temporary data folder, signing in through POST /login,
and firing a Dash callback over HTTP as the browser does."""
from __future__ import annotations

import contextlib
import os

from backend import identity
from backend.auth import access, setup
from backend.store import DatasetStore


@contextlib.contextmanager
def signed_in_app(root, default_data=None, **env):
    """(app, store) with sign-in on, its accounts in `root`/data; the identity provider is put back after."""
    saved = {name: os.environ.get(name) for name in ("COHORT_ATLAS_DATA_DIR", "COHORT_ATLAS_ADMIN", *env)}
    os.environ["COHORT_ATLAS_DATA_DIR"] = str(root / "data")
    os.environ.pop("COHORT_ATLAS_ADMIN", None)
    os.environ.update(env)
    from app import create_app
    try:
        store = DatasetStore(str(root / "cache"))
        yield create_app(store, default_data=default_data, start=False, sign_in=True), store
    finally:
        identity.use(None)
        access.use_accounts(None)
        setup._state.clear()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def upload(client, data: bytes, filename: str):
    """POST /api/upload as the page does: with the security token of the cookie the server gave this client."""
    cookie = client.get_cookie("_csrf_token")
    token = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/api/upload", data=data, headers={"X-Filename": filename, **token})


def fire(app, client, output: str, values: dict, changed: str):
    """POST /_dash-update-component for the callback whose outputs include `output` ("id.prop")."""
    key = next(k for k in app.callback_map if output in k and "@" not in k)
    spec = app.callback_map[key]
    outputs = [dict(zip(("id", "property"), out.split("."))) for out in key.strip(".").split("...")]
    body = {"output": key, "changedPropIds": [changed], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{**s, "value": values.get(s["id"])} for s in spec["inputs"]],
            "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]]}
    return client.post("/_dash-update-component", json=body)


@contextlib.contextmanager
def acting(who):
    """Run server code as `who` (an Identity) outside a request, as a callback of theirs would."""
    identity.use(lambda: who)
    try:
        yield
    finally:
        identity.use(setup.current)


@contextlib.contextmanager
def job_of(client, app):
    """Inside a background job started by `client`'s request: Dash hands the job its caller's cookies."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    name = app.server.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    token = context_value.set(AttributeDict(cookies={name: cookie.value} if cookie else {}))
    try:
        yield
    finally:
        context_value.reset(token)
