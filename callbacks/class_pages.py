"""The class report: one printed page per class for the view in the dashboard's URL (a year group, the whole
cohort, any filter), linked from the Classes section."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import Input, Output
from dash.exceptions import PreventUpdate
from flask import Response, request as flask_request

from analytics.defaults import PERSONAS
from analytics.explore import filters as flt
from analytics.explore.class_pages import class_pages
from backend.audit import note_export
from components import ids
from components.class_pages import class_pages_report

from .class_list import title
from .context import request

ROUTE = "print/class-pages"


def page(store, search: str, dashboard: str) -> tuple[str, int]:
    dataset, personas, filters = flt.from_query(search)
    if not dataset or not store.has(dataset):
        return ("<!doctype html><title>Class report</title><p>That dataset is not on this server any more; open "
                "the dashboard and upload the file again.</p>", 404)
    try:
        req = request(store, {"dataset_id": dataset, "personas": personas or PERSONAS}, filters=filters)
    except PreventUpdate:
        return "<!doctype html><title>Class report</title><p>Nothing to list yet.</p>", 404
    back = dashboard + "?" + urlencode({"dataset": dataset}) if not search else dashboard + search
    note_export(store.directory, dataset, req.analysis.filename, f"printed class pages: {title(req.filters)}")
    return class_pages_report(title(req.filters), req.analysis.filename, class_pages(req.analysis, req.mask),
                              back), 200


def register(app, store) -> None:
    dashboard = app.config.requests_pathname_prefix
    app.clientside_callback(
        f"function(search) {{ return '{dashboard}{ROUTE}' + (search || ''); }}",
        Output(ids.CLASS_PAGES_LINK, "href"), Input(ids.URL, "search"))

    @app.server.get(app.config.routes_pathname_prefix + ROUTE)
    def class_pages_page():
        search = "?" + flask_request.query_string.decode("utf-8", "replace")
        body, status = page(store, search if search != "?" else "", dashboard)
        return Response(body, status=status, mimetype="text/html")
