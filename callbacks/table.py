"""The student table: columns for the current dataset, its rows a block at a time (AG Grid's infinite row
model, filtered and sorted on the server), the visible count, and the CSV of the whole view."""
from __future__ import annotations

import json
from collections import OrderedDict

from dash import Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from analytics.explore import export, table_query, views
from analytics.results import PERSONA, ROW, TRAJECTORY
from components.table import CSV_NAME, column_defs, headers, rows

from .common import colours, keep, load

_ORDERS: OrderedDict = OrderedDict()  # the last few (view, filters, grid query) -> ordered rows
ORDERS_KEPT = 8


def columns(analysis) -> list[dict]:
    frame = views.table_frame(analysis, limit=1)
    persona_palette, trajectory_palette = colours(analysis)
    return column_defs(frame, ROW, PERSONA, TRAJECTORY, persona_palette, trajectory_palette)


def ordered(store, analysis, view: dict, filters: dict | None, request: dict | None):
    """Rows of the students in view after the grid's own filters and sort. Kept for the last few queries, so
    paging through a sorted million-row view sorts once."""
    request = request or {}
    key = json.dumps([view, filters, request.get("filterModel"), request.get("sortModel")], sort_keys=True,
                     default=str)
    if key not in _ORDERS:
        _ORDERS[key] = table_query.positions(analysis, keep(store, analysis, filters),
                                             request.get("filterModel"), request.get("sortModel"))
        while len(_ORDERS) > ORDERS_KEPT:
            _ORDERS.popitem(last=False)
    _ORDERS.move_to_end(key)
    return _ORDERS[key]


def count_text(shown: int, in_view: int) -> str:
    noun = " student" if in_view == 1 else " students"
    return f"{in_view:,}{noun}" if shown == in_view else f"{shown:,} of {in_view:,}{noun}"


def block(store, view: dict | None, filters: dict | None, request: dict | None) -> tuple[dict, str]:
    """(getRowsResponse, count text) for the grid's block request."""
    if not view or not request:
        raise PreventUpdate
    analysis = load(store, view)
    where = ordered(store, analysis, view, filters, request)
    in_view = len(where) if not request.get("filterModel") else int(keep(store, analysis, filters).sum())
    frame = table_query.page(analysis, where, request.get("startRow", 0), request.get("endRow", 100))
    return {"rowData": rows(frame), "rowCount": len(where)}, count_text(len(where), in_view)


def csv_download(store, view: dict | None, filters: dict | None, request: dict | None) -> dict:
    """The whole view as the table shows it (grid filters and sort too), formulas neutralised."""
    if not view:
        raise PreventUpdate
    analysis = load(store, view)
    frame = views.table_frame(analysis, positions=ordered(store, analysis, view, filters, request))
    return dcc.send_string(export.to_csv(frame, headers(list(frame.columns), ROW)), CSV_NAME)


def register(app, store) -> None:
    @app.callback(Output("student-table", "columnDefs"), Input("view", "data"))
    def show_columns(view):
        return columns(load(store, view))

    @app.callback(Output("student-table", "getRowsResponse"), Output("table-count", "children"),
                  Input("student-table", "getRowsRequest"), State("view", "data"), State("filters", "data"))
    def show_block(request, view, filters):
        return block(store, view, filters, request)

    # A new view or filter empties the grid's block cache, so it asks for its first block again.
    app.clientside_callback(
        """async function (view, filters) {
            const api = await dash_ag_grid.getApiAsync('student-table');
            api.purgeInfiniteCache();
            return window.dash_clientside.no_update;
        }""",
        Output("table-refresh", "data"), Input("view", "data"), Input("filters", "data"),
        prevent_initial_call=True,
    )

    @app.callback(Output("student-download", "data"), Input("download-csv", "n_clicks"), State("view", "data"),
                  State("filters", "data"), State("student-table", "getRowsRequest"), prevent_initial_call=True)
    def download(_clicks, view, filters, request):
        return csv_download(store, view, filters, request)
