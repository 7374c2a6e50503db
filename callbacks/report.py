"""The Report section: the leadership report for the view as a background job with HTML and PDF downloads,
and the persona model carried forward (download this file's; apply one to this file)."""
from __future__ import annotations

import base64
import logging

from dash import Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate
from flask import Response, abort

from analytics.errors import DataError
from analytics.models import model_file
from backend import identity, tasks
from backend.audit import note_export
from backend.report_job import may_list_students, save_ask, saved_ask, stored_report
from components import ids
from components.report_panel import report_links

from .common import HIDDEN, SHOWN

log = logging.getLogger(__name__)
TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def report_ask(view: dict | None, filters: dict | None, include_students: bool) -> dict:
    """What the job is asked to build; whether the student list may be included is decided here, on the
    request of the person who clicked, never in the job."""
    if not view:
        raise PreventUpdate
    who = identity.current()
    if who is None:
        raise PreventUpdate
    return {"dataset_id": view["dataset_id"], "personas": view.get("personas", 5), "filters": filters or {},
            "include_students": bool(include_students) and may_list_students(who), "owner": who.username,
            "school": who.school}


def start(store, view: dict | None, filters: dict | None, include_students: bool) -> dict:
    """What the page keeps for the job: the id of the ask saved on the server, nothing it could edit. A dataset
    the person may not read (another school's) answers as an unknown one: no job."""
    if not view or not store.has(view.get("dataset_id")):
        raise PreventUpdate
    return {"ask": save_ask(store, report_ask(view, filters, include_students))}


def download(store, token: str, kind: str) -> Response:
    who = identity.current()
    found = stored_report(store, token, who.username if who else None)
    if kind not in TYPES or found is None or found.get(kind) is None or not store.has(found.get("dataset_id")):
        abort(404)  # a dataset erased since, or no longer this person's to read: as an unknown report
    body = found[kind]
    note_export(store.directory, found.get("dataset_id", ""), found.get("filename", ""),
                f"leadership report ({kind}){' with the student list' if found.get('students') else ''}")
    return Response(body, mimetype=TYPES[kind].split(";")[0], headers={
        "Content-Type": TYPES[kind], "Content-Disposition": f'attachment; filename="{found["stem"]}.{kind}"',
        "Cache-Control": "no-store"})


def model_download(store, view: dict | None) -> tuple:
    """(download data, status) for the view's persona model."""
    if not view or not store.has(view.get("dataset_id")):
        raise PreventUpdate
    analysis = store.analysis(view["dataset_id"], view.get("personas", 5))
    try:
        text = model_file.dumps(analysis)
    except DataError as err:
        return no_update, str(err)
    stem = analysis.filename.rsplit(".", 1)[0]
    return dcc.send_string(text, f"{stem}-personas.json"), (f"Downloaded the model of {len(analysis.personas)} "
                                                          "personas; apply it to next year's file here.")


def model_apply(store, view: dict | None, contents: str | None, filename: str | None) -> tuple:
    """(uploaded, status) once a model file is applied to the file in view: a dataset id read with the model,
    which the dashboard switches to; a model that does not fit says why and leaves the view as it is."""
    if not view or not contents:
        raise PreventUpdate
    name = filename or "the model file"
    dataset_id, personas = view["dataset_id"], view.get("personas", 5)
    try:
        raw = base64.b64decode(contents.split(",", 1)[-1], validate=False)
        doc = model_file.loads(raw, name)
        choices = {**(store.choices(dataset_id) or {}), model_file.CHOICE_KEY: doc}
        placed = store.with_choices(dataset_id, choices)
        analysis = store.analysis(placed, personas)
    except DataError as err:
        return no_update, f"Not applied: {err}"
    except KeyError:
        return no_update, "That file is no longer on the server; please upload it again."
    except Exception:
        log.exception("applying a persona model to %s failed", dataset_id)
        return no_update, "Applying the model failed unexpectedly; the error was logged on the server."
    return {"dataset_id": placed}, (f"Placed {analysis.rows:,} students on the {len(analysis.personas)} personas of "
                                    f"{doc.get('source') or name}; the persona count setting does not apply.")


def register(app, store) -> None:
    prefix = app.config.requests_pathname_prefix

    @app.server.get(app.config.routes_pathname_prefix + "download/report/<token>.<kind>")
    def report_file(token, kind):
        return download(store, token, kind)

    @app.callback(Output(ids.REPORT_START, "data"), Input(ids.REPORT_BUTTON, "n_clicks"), State(ids.VIEW, "data"),
                  State(ids.FILTERS, "data"), State(ids.REPORT_STUDENTS, "value"), prevent_initial_call=True)
    def start_report(_clicks, view, filters, include_students):
        return start(store, view, filters, include_students)

    # A second press while the report is built would start it again: the button waits while the bar shows (the
    # bar is on every tab, so coming back to the Report tab mid-build finds the button still waiting).
    app.clientside_callback("function (style) { return !!style && style.display !== 'none'; }",
                            Output(ids.REPORT_BUTTON, "disabled"), Input(ids.REPORT_PROGRESS_BOX, "style"))

    # what the job reports is on every tab (components/jobs.py): it goes on when a person leaves the Report tab
    @app.callback(Output(ids.REPORT_RESULT, "children"), Input(ids.REPORT_START, "data"), background=True,
                  interval=1000, prevent_initial_call=True,
                  progress=[Output(ids.REPORT_PROGRESS_BOX, "style"), Output(ids.REPORT_PROGRESS, "label")],
                  progress_default=[HIDDEN, ""])
    def build_report(set_progress, start):
        ask = saved_ask(store, (start or {}).get("ask"))
        if ask is None:
            raise PreventUpdate
        reply = tasks.report(store, ask, lambda text: set_progress([SHOWN, text]))
        return report_links(reply, prefix)

    @app.callback(Output(ids.MODEL_DOWNLOAD, "data"), Output(ids.MODEL_STATUS, "children"),
                  Output(ids.UPLOADED, "data", allow_duplicate=True),
                  Input(ids.MODEL_DOWNLOAD_BUTTON, "n_clicks"), Input(ids.MODEL_UPLOAD, "contents"),
                  State(ids.MODEL_UPLOAD, "filename"), State(ids.VIEW, "data"), prevent_initial_call=True)
    def carry_forward(_clicks, contents, filename, view):
        # opening the Report tab fires this (its output `uploaded` is outside the tab) with nothing pressed
        if not (ctx.triggered and ctx.triggered[0].get("value")):
            raise PreventUpdate
        if ctx.triggered_id == ids.MODEL_UPLOAD:
            uploaded, status = model_apply(store, view, contents, filename)
            return no_update, status, uploaded
        data, status = model_download(store, view)
        return data, status, no_update
