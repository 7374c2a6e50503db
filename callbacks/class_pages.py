"""The class report: one printed page per class for the view in the dashboard's URL (a year group, the whole
cohort, any filter), linked from the Classes section."""
from __future__ import annotations

from urllib.parse import urlencode

from dash.exceptions import PreventUpdate

from analytics.defaults import PERSONAS
from analytics.explore import filters as flt
from analytics.explore.class_pages import class_pages
from backend.audit import note_export
from components import ids
from components.class_pages import class_pages_report

from .class_list import print_route, title
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
    print_route(app, ROUTE, ids.CLASS_PAGES_LINK, lambda search, dashboard: page(store, search, dashboard))
