"""The classes panel and the class-view banner: a head of year opens a class; a teacher sees their class."""
from __future__ import annotations

from dash import Input, Output, State

from analytics.explore import filters as flt
from analytics.explore.classes import class_role, class_rows
from components import ids
from components.classes import class_banner, class_table

from .class_list import ROUTE, title
from .common import HIDDEN, SHOWN
from .context import request

CLASS_KEYS = ("form", "teacher")


def _query(req, filters: dict, mark) -> str:
    return flt.to_query(req.dataset_id, req.personas, filters, mark)


def classes_panel(store, view, filters, search, prefix: str = "/") -> tuple:
    """(table, banner, section style) for the view: the classes beside each other, whatever class is open."""
    req = request(store, view, filters=filters)
    analysis, role = req.analysis, class_role(req.analysis)
    if role is None:
        return None, None, HIDDEN
    mark = flt.pass_mark_from_query(search)
    others = {k: v for k, v in req.filters.items() if k not in CLASS_KEYS and k != "selection"}
    rows = class_rows(analysis, req.keep(ignore=CLASS_KEYS)).to_dict("records")
    links = {str(r["class"]): prefix + _query(req, {**others, role: [str(r["class"])]}, mark) for r in rows}
    prints = {name: prefix + ROUTE + href[len(prefix):] for name, href in links.items()}
    subjects = [c[:-len(" below")] for c in (rows[0] if rows else {}) if c.endswith(" below")]
    label = "Form" if role == "form" else "Teacher"
    table = class_table(rows, subjects, links, prints, label)
    one = [k for k in CLASS_KEYS if len(req.filters.get(k) or []) == 1]
    banner = None
    if one:
        here = _query(req, req.filters, mark)
        banner = class_banner(title(req.filters), int(req.mask.sum()), prefix + ROUTE + here,
                              prefix + _query(req, others, mark))
    return table, banner, SHOWN


def register(app, store) -> None:
    prefix = app.config.requests_pathname_prefix

    # the banner is on every tab, the table only on Subjects: two callbacks, so a click on another tab
    # computes only the banner
    @app.callback(Output(ids.CLASS_TABLE, "children"), Output(ids.CLASSES_SECTION, "style"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def show_classes(view, filters, search):
        table, _, style = classes_panel(store, view, filters, search, prefix)
        return table, style

    @app.callback(Output(ids.CLASS_BANNER, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  State(ids.URL, "search"))
    def show_class_banner(view, filters, search):
        return classes_panel(store, view, filters, search, prefix)[1]
