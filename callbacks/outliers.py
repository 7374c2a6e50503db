"""The outlier table for the current view, its count and method line, and its CSV download."""
from __future__ import annotations

from dash import Input, Output, State

from analytics.explore import views
from analytics.results import ROW
from components import ids
from components.outliers import empty_column_defs, outlier_column_defs
from components.table import rows

from .common import HIDDEN, SHOWN, if_changed, only_for
from .context import request


def outlier_content(analysis, keep=None) -> tuple:
    """(rows, column defs, count text, method text, section style)."""
    if analysis.outliers is None:
        return [], empty_column_defs(), "", "", HIDDEN
    frame = views.outlier_frame(analysis, keep)
    total = analysis.outliers.count
    shown = len(frame)
    noun = "student" if shown == 1 else "students"
    count = f"{shown:,} {noun}" + (f" of {total:,}" if keep is not None and shown != total else "")
    p = analysis.outliers.params
    method = (f" · DBSCAN, eps {p['eps']:g} (knee of the k-distance curve), min_samples {p['min_samples']}"
              + (f", fitted on a sample of {p['fitted_on']:,} and the rest placed by nearest core point"
                 if p["sampled"] else ""))
    return rows(frame), outlier_column_defs(list(frame.columns), ROW), count, method, SHOWN


def outlier_panel(store, view, filters) -> tuple:
    """(rows, column defs, count text, method text, section style) for the view, or why there are none."""
    req = request(store, view, filters=filters, need=("outliers",))
    if req.missing:
        return [], empty_column_defs(), req.missing.reason, "", SHOWN
    failed = store.failure("outliers", req.dataset_id) if req.outliers is None else None
    if failed:  # the job ran past its limit or broke: say so where the table would be
        return [], empty_column_defs(), failed[0].upper() + failed[1:] + ".", "", SHOWN
    return outlier_content(req.analysis, req.mask)


def register(app, store) -> None:
    @app.callback(Output(ids.OUTLIER_TABLE, "rowData"), Output(ids.OUTLIER_TABLE, "columnDefs"),
                  Output(ids.OUTLIER_COUNT, "children"), Output(ids.OUTLIER_METHOD, "children"),
                  Output(ids.OUTLIER_SECTION, "style"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  Input(ids.JOBS_READY, "data"), State(ids.OUTLIER_TABLE, "columnDefs"),
                  State(ids.OUTLIER_METHOD, "children"), State(ids.OUTLIER_SECTION, "style"))
    def show_outliers(view, filters, jobs, shown_defs, shown_method, shown_style):
        only_for("outliers", jobs)
        found, defs, count, method, style = outlier_panel(store, view, filters)
        # a click changes the rows and the count; the columns, the method line and the section stay as they are
        return (found, if_changed(defs, shown_defs), count, if_changed(method, shown_method),
                if_changed(style, shown_style))

    app.clientside_callback("function (clicks) { return true; }", Output(ids.OUTLIER_TABLE, "exportDataAsCsv"),
                            Input(ids.DOWNLOAD_OUTLIERS, "n_clicks"), prevent_initial_call=True)
