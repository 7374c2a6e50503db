"""Deleting the dataset on screen (a confirm step under the upload card), and the admins' audit log page."""
from __future__ import annotations

import html as markup
import logging
from datetime import datetime, timezone

from dash import Input, Output, State, ctx, no_update
from flask import Response, request as flask_request

from backend import identity
from backend.audit import log_for
from backend.erase import NotAllowed, erase
from backend.uploads import uploader
from components import ids
from components.cards import upload_error

log = logging.getLogger(__name__)
ROUTE = "admin/audit"
SHOWN_EVENTS = 500


def open_dialog(store, trigger, dataset_id: str | None) -> tuple:
    """(is open, what the dialog names)."""
    if trigger == ids.DELETE_OPEN and dataset_id and store.has(dataset_id):
        return True, store.filename(dataset_id)
    return False, no_update  # Cancel, or nothing left to delete


def delete(store, dataset_id: str | None) -> tuple:
    """(status message, dataset to show next, dialog open) after the person confirmed."""
    if not dataset_id or not store.has(dataset_id):
        return upload_error("That dataset is no longer on the server."), no_update, False
    filename = store.filename(dataset_id)
    try:
        erase(store, dataset_id)
    except NotAllowed as err:
        return upload_error(str(err)), no_update, False
    except Exception:
        log.exception("deleting %s failed", dataset_id)
        return upload_error(f"Deleting {filename} failed; the error was logged on the server."), no_update, False
    following = next_dataset(store)
    text = f"Deleted {filename} and everything computed from it."
    if following is None:
        text += " Upload a file to continue."
    return text, {"dataset_id": following} if following else no_update, False


def next_dataset(store) -> str | None:
    """The newest dataset the person uploaded that is still here (an admin: anyone's)."""
    who = uploader()
    for record in reversed(store.uploads.records(owner=None if who.is_admin else who.username)):
        if store.has(record.dataset_id):
            return record.dataset_id
    return None


def audit_link_style() -> dict:
    """The upload card's Audit log link: for admins only."""
    who = identity.current()
    return {} if who is not None and who.is_admin else {"display": "none"}


def audit_page(store, fmt: str | None) -> Response:
    who = identity.current()
    if who is None:
        return Response("Sign in first.", status=401, mimetype="text/plain")
    if not who.is_admin:
        return Response("Only admins can read the audit log.", status=403, mimetype="text/plain")
    audit = log_for(store.directory)
    # once people sign in, a school's admin reads their school's entries; the server's own admin reads all
    school = None if who == identity.LOCAL else who.school
    if fmt == "csv":
        return Response(audit.to_csv(school), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=cohort-atlas-audit.csv"})
    rows = "".join(
        "<tr>" + "".join(f"<td>{markup.escape(str(value))}</td>" for value in (
            datetime.fromtimestamp(e["time"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), e["username"],
            e["school"], e["action"], e["dataset_id"] or "", e["filename"] or "", e["detail"] or "")) + "</tr>"
        for e in audit.events(SHOWN_EVENTS, school=school))
    body = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Audit log · Cohort Atlas</title></head>"
            f"<body><h1>Audit log</h1><p>The latest {SHOWN_EVENTS} entries, newest first (times in UTC). "
            "<a href='?format=csv'>Download all as CSV</a></p><table border=1 cellpadding=4><thead><tr>"
            "<th>Time</th><th>User</th><th>School</th><th>Action</th><th>Dataset</th><th>File</th><th>Detail</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></body></html>")
    return Response(body, mimetype="text/html")


def register(app, store) -> None:
    @app.callback(Output(ids.DELETE_MODAL, "is_open"), Output(ids.DELETE_NAME, "children"),
                  Input(ids.DELETE_OPEN, "n_clicks"), Input(ids.DELETE_CANCEL, "n_clicks"),
                  State(ids.DATASET_ID, "data"), prevent_initial_call=True)
    def show_dialog(_open, _cancel, dataset_id):
        return open_dialog(store, ctx.triggered_id, dataset_id)

    @app.callback(Output(ids.DELETE_STATUS, "children"), Output(ids.UPLOADED, "data", allow_duplicate=True),
                  Output(ids.DELETE_MODAL, "is_open", allow_duplicate=True), Input(ids.DELETE_CONFIRM, "n_clicks"),
                  State(ids.DATASET_ID, "data"), prevent_initial_call=True)
    def confirm(_clicks, dataset_id):
        return delete(store, dataset_id)

    @app.callback(Output(ids.AUDIT_LINK, "style"), Output(ids.AUDIT_LINK, "href"), Input(ids.DATASET_ID, "data"))
    def show_audit_link(_dataset):
        return audit_link_style(), app.config.requests_pathname_prefix + ROUTE

    @app.server.get(app.config.routes_pathname_prefix + ROUTE)
    def audit_log_page():
        return audit_page(store, flask_request.args.get("format"))
