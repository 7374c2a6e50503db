"""The tabs: which one the URL's path opens, the tab bar's links, and the relays that carry a tab's clicks to
the callbacks every tab shares.

A hidden tab's sections are not in the page, so Dash runs none of their callbacks on a click. Dash runs a
callback only when all its inputs are in the page, so a shared callback cannot listen to charts of several
tabs. Each tab has instead one small relay in the browser (no request) that copies its charts' clicks and map
selections to ids.CHART_CLICK, read by the view-state callback, and its maps' and grids' student clicks to
ids.STUDENT_PICK, read by the student card. The relays are found by looking for the sources in each tab's
layout, so a chart moved to another tab keeps working.
"""
from __future__ import annotations

import json
import time

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from backend import identity
from backend.erase import retention_days
from components import ids
from components.admin import admin_section
from components.cards import note
from components.layout import TAB_SECTIONS, tab_content
from components.tabs import DEFAULT, HIDDEN, TABS, tab_key

from .clicks import CLICKS
from .profile import SOURCES as STUDENT_SOURCES

CHART_SOURCES = {**{chart: "clickData" for chart in CLICKS}, ids.STUDENT_MAP: "selectedData"}

# A relay fires once when its tab is put in the page, with every value empty: that call is skipped. After it,
# an empty value is a real event (a lasso cleared by a double click), so it is passed on.
RELAY = """function () {
    const tab = arguments[arguments.length - 1];
    const triggered = window.dash_clientside.callback_context.triggered || [];
    const seen = (window.__tabRelaySeen = window.__tabRelaySeen || {});
    let out = window.dash_clientside.no_update;
    for (const {prop_id, value} of triggered) {
        const dot = prop_id.lastIndexOf('.');
        const source = prop_id.slice(0, dot), prop = prop_id.slice(dot + 1);
        const rendered = tab ? tab.at : null, first = seen[prop_id] !== rendered;
        seen[prop_id] = rendered;
        if ((value === null || value === undefined) && first) continue;
        out = {source: source, prop: prop, value: value, at: Date.now()};
    }
    return out;
}"""

# The tab bar follows the URL: the open tab is marked, and every link keeps the view (the query).
NAV = """function (pathname, search) {
    const prefix = %(prefix)s, keys = %(keys)s, labels = %(labels)s;
    const path = (pathname || '').startsWith(prefix) ? pathname.slice(prefix.length) : (pathname || '');
    const first = path.replace(/^\\/+/, '').split('/')[0];
    const tab = keys.includes(first) ? first : %(default)s;
    document.title = labels[tab] + ' · Cohort Atlas';
    return keys.map(k => prefix + k + (search || '')).concat(keys.map(k => k === tab));
}"""


def component_ids(node) -> set[str]:
    """The string ids of a layout and everything in it."""
    found, stack = set(), [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        if item is None or isinstance(item, (str, int, float)):
            continue
        if isinstance(getattr(item, "id", None), str):
            found.add(item.id)
        stack.append(getattr(item, "children", None))
    return found


def tab_sources(sources: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """tab -> the (id, property) of `sources` its sections hold."""
    out = {}
    for tab in TAB_SECTIONS:
        present = component_ids(tab_content(tab))
        found = [(source, prop) for source, prop in sources.items() if source in present]
        if found:
            out[tab] = found
    return out


def render(tab: str, current: dict | None, who: identity.Identity | None, prefix: str = "/") -> tuple:
    """(sections, tab store, admin link style) for the tab the path names; PreventUpdate when it is open."""
    if current and current.get("tab") == tab:
        raise PreventUpdate
    admin = bool(who and who.is_admin)
    if tab != "admin":
        content = tab_content(tab)
    elif admin:  # the local user of a server without sign-in has no accounts page to go to
        content = [admin_section(prefix, accounts=who != identity.LOCAL, retention_days=retention_days())]
    else:
        content = [note("Only administrators can open this tab; the dashboard's other tabs are open to you.")]
    return content, {"tab": tab, "at": time.time()}, {} if admin else HIDDEN


def register(app, store) -> None:
    prefix = app.config.requests_pathname_prefix

    @app.callback(Output(ids.TAB_CONTENT, "children"), Output(ids.TAB, "data"),
                  Output(f"{ids.tab_link('admin')}-item", "style"),
                  Input(ids.URL, "pathname"), State(ids.TAB, "data"))
    def show_tab(pathname, current):
        return render(tab_key(app.strip_relative_path(pathname or prefix)), current, identity.current(), prefix)

    keys = [tab.key for tab in TABS]
    app.clientside_callback(
        NAV % {"prefix": json.dumps(prefix), "keys": json.dumps(keys), "default": json.dumps(DEFAULT),
               "labels": json.dumps({tab.key: tab.label for tab in TABS})},
        [Output(ids.tab_link(key), "href") for key in keys] + [Output(ids.tab_link(key), "active") for key in keys],
        Input(ids.URL, "pathname"), Input(ids.URL, "search"))

    for target, sources in ((ids.CHART_CLICK, CHART_SOURCES), (ids.STUDENT_PICK, STUDENT_SOURCES)):
        for tab, found in tab_sources(sources).items():
            app.clientside_callback(RELAY, Output(target, "data", allow_duplicate=True),
                                    *[Input(source, prop) for source, prop in found], State(ids.TAB, "data"),
                                    prevent_initial_call=True)
