"""The printable class list: a plain page for the view in the dashboard's URL (a form, a teacher, any filter)."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import Input, Output
from dash.exceptions import PreventUpdate
from flask import Response, request as flask_request

from analytics.defaults import PERSONAS
from analytics.explore import filters as flt
from analytics.explore.class_list import class_needs
from backend.audit import note_export
from components import ids
from components.class_report import class_report

from .context import request

ROUTE = "print/class-list"


def title(filters: dict) -> str:
    """'Form 10B' or 'Teacher Mr Patel' when the view is one class; else the filters in words."""
    for key, label in (("form", "Form"), ("teacher", "Teacher")):
        if len(filters.get(key) or []) == 1:
            return f"{label} {filters[key][0]}"
    chips = [text for _, text in flt.chips(filters)]
    return "; ".join(chips) if chips else "Whole cohort"


def page(store, search: str, dashboard: str) -> tuple[str, int]:
    dataset, personas, filters = flt.from_query(search)
    if not dataset or not store.has(dataset):
        return ("<!doctype html><title>Class list</title><p>That dataset is not on this server any more; open the "
                "dashboard and upload the file again.</p>", 404)
    try:
        req = request(store, {"dataset_id": dataset, "personas": personas or PERSONAS}, filters=filters)
    except PreventUpdate:
        return "<!doctype html><title>Class list</title><p>Nothing to list yet.</p>", 404
    back = dashboard + "?" + urlencode({"dataset": dataset}) if not search else dashboard + search
    subjects = class_needs(req.analysis, req.mask)
    note_export(store.directory, dataset, req.analysis.filename, f"printed class list: {title(req.filters)}")
    return class_report(title(req.filters), req.analysis.filename, subjects, back), 200


def register(app, store) -> None:
    dashboard = app.config.requests_pathname_prefix
    # in the browser: the link follows the URL without a request per filter click
    app.clientside_callback(
        f"function(search) {{ return '{dashboard}{ROUTE}' + (search || ''); }}",
        Output(ids.CLASS_LIST_LINK, "href"), Input(ids.URL, "search"))

    @app.server.get(app.config.routes_pathname_prefix + ROUTE)
    def class_list_page():
        search = "?" + flask_request.query_string.decode("utf-8", "replace")
        body, status = page(store, search if search != "?" else "", dashboard)
        return Response(body, status=status, mimetype="text/html")
