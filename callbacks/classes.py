"""The classes panel and the class-view banner: a head of year opens a class; a teacher sees their class."""
from __future__ import annotations

from dash import Input, Output, State

from analytics.explore import filters as flt
from analytics.explore.classes import class_role, class_rows
from components import ids
from components.classes import class_banner, class_table
from components.tabs import DEFAULT, tab_key

from .class_list import ROUTE, title
from .common import HIDDEN, SHOWN
from .context import request

CLASS_KEYS = ("form", "teacher")


def _query(req, filters: dict, mark) -> str:
    return flt.to_query(req.dataset_id, req.personas, filters, mark)


def classes_panel(store, view, filters, search, prefix: str = "/", tab: str = "") -> tuple:
    """(table, banner, section style) for the view: the classes beside each other, whatever class is open. A class
    link and "back to everyone" keep the tab the person is on (`tab`, e.g. "subjects")."""
    req = request(store, view, filters=filters)
    analysis, role = req.analysis, class_role(req.analysis)
    if role is None:
        return None, None, HIDDEN
    mark = flt.pass_mark_from_query(search)
    others = {k: v for k, v in req.filters.items() if k not in CLASS_KEYS and k != "selection"}
    rows = class_rows(analysis, req.keep(ignore=CLASS_KEYS)).to_dict("records")
    queries = {str(r["class"]): _query(req, {**others, role: [str(r["class"])]}, mark) for r in rows}
    links = {name: prefix + tab + query for name, query in queries.items()}
    prints = {name: prefix + ROUTE + query for name, query in queries.items()}
    subjects = [c[:-len(" below")] for c in (rows[0] if rows else {}) if c.endswith(" below")]
    label = "Form" if role == "form" else "Teacher"
    table = class_table(rows, subjects, links, prints, label)
    one = [k for k in CLASS_KEYS if len(req.filters.get(k) or []) == 1]
    banner = None
    if one:
        here = _query(req, req.filters, mark)
        banner = class_banner(title(req.filters), int(req.mask.sum()), prefix + ROUTE + here,
                              prefix + tab + _query(req, others, mark))
    return table, banner, SHOWN


def register(app, store) -> None:
    prefix = app.config.requests_pathname_prefix

    # the banner is on every tab, the table only on Subjects: two callbacks, so a click on another tab
    # computes only the banner
    @app.callback(Output(ids.CLASS_TABLE, "children"), Output(ids.CLASSES_SECTION, "style"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), State(ids.URL, "search"),
                  State(ids.URL, "pathname"))
    def show_classes(view, filters, search, pathname):
        table, _, style = classes_panel(store, view, filters, search, prefix, here(app, pathname))
        return table, style

    @app.callback(Output(ids.CLASS_BANNER, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  State(ids.URL, "search"), State(ids.URL, "pathname"))
    def show_class_banner(view, filters, search, pathname):
        return classes_panel(store, view, filters, search, prefix, here(app, pathname))[1]


def here(app, pathname: str | None) -> str:
    """The open tab's path segment ("" for the default address)."""
    key = tab_key(app.strip_relative_path(pathname or "/") or "")
    return "" if key == DEFAULT else key
