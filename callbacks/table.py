"""The student table: columns for the current dataset, its rows a block at a time (AG Grid's infinite row
model, filtered and sorted on the server), the visible count, and the CSV of the whole view."""
from __future__ import annotations

import json
from collections import OrderedDict

from dash import Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from analytics.explore import export, table_query, views
from analytics.results import PERSONA, ROW, TRAJECTORY
from backend.audit import note_export
from backend.auth.access import view_key
from components import ids
from components.table import CSV_NAME, column_defs, headers, rows

from .common import as_shown, colours
from .context import Request, request

_ORDERS: OrderedDict = OrderedDict()  # the last few (view, filters, grid query) -> ordered rows
ORDERS_KEPT = 8


def columns(analysis) -> list[dict]:
    frame = views.table_frame(analysis, limit=1)
    persona_palette, trajectory_palette = colours(analysis)
    return column_defs(frame, ROW, PERSONA, TRAJECTORY, persona_palette, trajectory_palette)


def ordered(req: Request, view: dict, filters: dict | None, grid: dict | None):
    """Rows of the students in view after the grid's own filters and sort. Kept for the last few queries, so
    paging through a sorted million-row view sorts once."""
    grid = grid or {}
    key = json.dumps([view, filters, grid.get("filterModel"), grid.get("sortModel"), view_key()], sort_keys=True,
                     default=str)  # a teacher's rows are theirs: never another person's cached order
    if key not in _ORDERS:
        _ORDERS[key] = table_query.positions(req.analysis, req.mask, grid.get("filterModel"), grid.get("sortModel"))
        while len(_ORDERS) > ORDERS_KEPT:
            _ORDERS.popitem(last=False)
    _ORDERS.move_to_end(key)
    return _ORDERS[key]


def count_text(shown: int, in_view: int) -> str:
    noun = " student" if in_view == 1 else " students"
    return f"{in_view:,}{noun}" if shown == in_view else f"{shown:,} of {in_view:,}{noun}"


def block(store, view: dict | None, filters: dict | None, grid: dict | None) -> tuple[dict, str]:
    """(getRowsResponse, count text) for the grid's block request."""
    if not view or not grid:
        raise PreventUpdate
    req = request(store, view, filters=filters)
    where = ordered(req, view, filters, grid)
    in_view = len(where) if not grid.get("filterModel") else int(req.mask.sum())
    frame = table_query.page(req.analysis, where, grid.get("startRow", 0), grid.get("endRow", 100))
    return {"rowData": rows(frame), "rowCount": len(where)}, count_text(len(where), in_view)


def csv_download(store, view: dict | None, filters: dict | None, grid: dict | None) -> dict:
    """The whole view as the table shows it (grid filters and sort too), formulas neutralised."""
    req = request(store, view, filters=filters)
    frame = views.table_frame(req.analysis, positions=ordered(req, view, filters, grid))
    note_export(store.directory, req.dataset_id, req.analysis.filename, f"{CSV_NAME}: {len(frame):,} rows")
    return dcc.send_string(export.to_csv(frame, headers(list(frame.columns), ROW)), CSV_NAME)


def fresh_columns(new: list[dict], current: list[dict] | None) -> list[dict]:
    """The column definitions to send, or PreventUpdate when the grid shows these already: a redraw would
    replace the cells under a teacher's click for nothing."""
    if as_shown(new) == current:
        raise PreventUpdate
    return new


def register(app, store) -> None:
    @app.callback(Output(ids.STUDENT_TABLE, "columnDefs"), Input(ids.VIEW, "data"),
                  Input(ids.JOBS_READY, "data"),  # the Outlier column appears once the outlier job has run
                  State(ids.STUDENT_TABLE, "columnDefs"))
    def show_columns(view, _jobs, current):
        return fresh_columns(columns(request(store, view).analysis), current)

    @app.callback(Output(ids.STUDENT_TABLE, "getRowsResponse"), Output(ids.TABLE_COUNT, "children"),
                  Input(ids.STUDENT_TABLE, "getRowsRequest"), State(ids.VIEW, "data"), State(ids.FILTERS, "data"))
    def show_block(grid, view, filters):
        return block(store, view, filters, grid)

    # A new view, filter or set of columns (the outlier job's new column) empties the grid's block cache, so it
    # asks for its first block again. Nothing else does: a finished job that changes no column leaves the rows a
    # teacher may be clicking alone.
    app.clientside_callback(
        """async function (view, filters, columns) {
            const api = await dash_ag_grid.getApiAsync('%s');
            api.purgeInfiniteCache();
            return window.dash_clientside.no_update;
        }""" % ids.STUDENT_TABLE,
        Output(ids.TABLE_REFRESH, "data"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
        Input(ids.STUDENT_TABLE, "columnDefs"), prevent_initial_call=True,
    )

    @app.callback(Output(ids.STUDENT_DOWNLOAD, "data"), Input(ids.DOWNLOAD_CSV, "n_clicks"), State(ids.VIEW, "data"),
                  State(ids.FILTERS, "data"), State(ids.STUDENT_TABLE, "getRowsRequest"), prevent_initial_call=True)
    def download(_clicks, view, filters, grid):
        return csv_download(store, view, filters, grid)
