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
    print_route(app, ROUTE, ids.CLASS_LIST_LINK, lambda search, dashboard: page(store, search, dashboard))


def print_route(app, route: str, link_id: str, render) -> None:
    """A printable page at `route` for the view in the dashboard's URL, and the link to it that follows the URL
    in the browser, without a request per filter click. `render(search, dashboard)` -> (html, status)."""
    dashboard = app.config.requests_pathname_prefix
    app.clientside_callback(
        f"function(search) {{ return '{dashboard}{route}' + (search || ''); }}",
        Output(link_id, "href"), Input(ids.URL, "search"))

    @app.server.get(app.config.routes_pathname_prefix + route, endpoint=route)
    def printable():
        search = "?" + flask_request.query_string.decode("utf-8", "replace")
        body, status = render(search if search != "?" else "", dashboard)
        return Response(body, status=status, mimetype="text/html")