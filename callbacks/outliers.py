"""The outlier table for the current view, its count and method line, and its CSV download."""
from __future__ import annotations

from dash import Input, Output

from analytics.explore import views
from analytics.results import ROW
from components.outliers import outlier_column_defs
from components.table import rows

from .common import HIDDEN, SHOWN, keep, load


def outlier_content(analysis, keep=None) -> tuple:
    """(rows, column defs, count text, method text, section style)."""
    if analysis.outliers is None:
        return [], [], "", "", HIDDEN
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


def register(app, store) -> None:
    @app.callback(Output("outlier-table", "rowData"), Output("outlier-table", "columnDefs"),
                  Output("outlier-count", "children"), Output("outlier-method", "children"),
                  Output("outlier-section", "style"), Input("view", "data"), Input("filters", "data"))
    def show_outliers(view, filters):
        analysis = load(store, view)
        return outlier_content(analysis, keep(store, analysis, filters))

    app.clientside_callback("function (clicks) { return true; }", Output("outlier-table", "exportDataAsCsv"),
                            Input("download-outliers", "n_clicks"), prevent_initial_call=True)
