"""The filter bar: one control per filter, the chips of the active ones and a clear-all button."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.explore.filters import LABELS

from . import ids

# the other groups a school is judged on; each shows only when the file has that column
GROUP_DROPDOWNS = [(key, LABELS[key]) for key in ("year_group", "form", "teacher", "fsm", "sen", "eal")]
BASE_DROPDOWNS = [("gender", "Gender"), ("school", "School type"), ("persona", "Persona"), ("trajectory", "Trajectory")]
DROPDOWNS = BASE_DROPDOWNS + GROUP_DROPDOWNS
OUTLIER_OPTIONS = [{"label": "All", "value": "all"}, {"label": "Only outliers", "value": "yes"},
                   {"label": "No outliers", "value": "no"}]


def _dropdown(key: str, label: str) -> dbc.Col:
    control, box = ids.FILTER_CONTROLS[key]
    return dbc.Col(html.Div([
        html.Label(label, htmlFor=control, id=f"{control}-label", className="filter-label"),
        dcc.Dropdown(id=control, multi=True, placeholder="All", options=[], value=[], className="filter-dropdown"),
    ], id=box), xs=12, sm=6, lg=True, className="mb-2")


def _group_dropdown(key: str, label: str) -> dbc.Col:
    """The column itself is the box: hidden, it takes no room, so a file without the group keeps its row tidy."""
    control, box = ids.FILTER_CONTROLS[key]
    return dbc.Col([
        html.Label(label, htmlFor=control, id=f"{control}-label", className="filter-label"),
        dcc.Dropdown(id=control, multi=True, placeholder="All", options=[], value=[], className="filter-dropdown"),
    ], id=box, style={"display": "none"}, xs=12, sm=6, lg=2, className="mb-2")


def filter_bar() -> list:
    """The controls card (in the page; folded away on narrow screens) and, after it, the one-line bar that
    sticks to the top: active chips, the count and a Filters button. Only the line sticks, so a scrolled page
    loses one line to it, not the whole card (which hid section titles and caught slider drags)."""
    score = dbc.Col(html.Div([
        html.Label("Exam score", htmlFor=ids.F_SCORE, id=f"{ids.F_SCORE}-label", className="filter-label"),
        dcc.RangeSlider(id=ids.F_SCORE, min=0, max=100, value=[0, 100], allowCross=False, step=1,
                        tooltip={"placement": "bottom", "always_visible": False}, className="filter-slider"),
    ], id=ids.F_SCORE_BOX, **{"data-control-label": "Exam score"}), xs=12, sm=6, lg=3, className="mb-2")
    outlier = dbc.Col(html.Div([
        html.Label("Outliers", className="filter-label"),
        dbc.RadioItems(id=ids.F_OUTLIER, options=OUTLIER_OPTIONS, value="all", inline=True,
                       className="btn-group btn-group-sm", inputClassName="btn-check",
                       labelClassName="btn btn-outline-primary btn-sm", labelCheckedClassName="active"),
    ], id=ids.F_OUTLIER_BOX), xs=12, sm=6, lg="auto", className="mb-2")
    panel = dbc.Card(dbc.CardBody([
        dbc.Row([_dropdown(key, label) for key, label in BASE_DROPDOWNS]
                + [score, outlier], className="g-3"),
        dbc.Row([_group_dropdown(key, label) for key, label in GROUP_DROPDOWNS], className="g-3"),
        html.Div("Tip: click a slice, bar, radar line, box or heat-map cell to filter every view; click it again to "
                 "clear.",
                 className="filter-tip"),
    ]), className="section-card filter-card", id=ids.FILTER_PANEL)
    line = html.Div([
        dbc.Button([html.I(className="bi bi-funnel me-1"), "Filters"], id=ids.FILTERS_TOGGLE, size="sm",
                   color="primary", outline=True, className="filter-toggle", n_clicks=0,
                   title="Show the filter controls"),
        # before the chips: many chips scroll sideways and would push it out of reach
        dbc.Button([html.I(className="bi bi-x-circle me-1"), "Clear all"], id=ids.FILTERS_CLEAR, size="sm",
                   color="link", className="filter-clear"),
        html.Div(id=ids.FILTER_CHIPS, className="filter-chips"),
        html.Span(id=ids.FILTER_COUNT, className="filter-count"),
    ], className="filter-line mb-4", id=ids.FILTER_BAR)
    return [panel, line]


def chip(key: str, text: str) -> html.Span:
    return html.Span([text, html.Button(html.I(className="bi bi-x"), id={"type": ids.CHIP_CLEAR, "key": key},
                                        className="chip-close", title="Remove this filter", n_clicks=0)],
                     className="filter-chip")
