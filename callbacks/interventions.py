"""The intervention list for the view, its count, and its formula-safe CSV."""
from __future__ import annotations

from dash import Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from analytics.explore import export
from analytics.predict import interventions
from analytics.predict.risk import NoModel
from components.figures import pretty
from components.interventions import CSV_NAME, HEADERS, column_defs
from components.table import rows

from .common import keep
from .risk import scored


def intervention_frame(store, view, filters, mark_value, model_id):
    analysis, ctx, scores = scored(store, view, model_id, mark_value)
    return interventions.intervention_list(analysis, scores, ctx, keep(store, analysis, filters), label=pretty)


def list_content(store, view, filters, mark_value, model_id) -> tuple:
    """(rows, column defs, count text)."""
    try:
        frame = intervention_frame(store, view, filters, mark_value, model_id)
    except NoModel:
        return [], [], ""
    noun = "student" if len(frame) == 1 else "students"
    total = frame.attrs.get("candidates", len(frame))
    count = (f"{len(frame):,} {noun}" if total == len(frame) else
             f"the {len(frame):,} most in need of {total:,} students")
    return rows(frame), column_defs(list(frame.columns)), count


def csv_content(store, view, filters, mark_value, model_id) -> dict:
    frame = intervention_frame(store, view, filters, mark_value, model_id)
    return dcc.send_string(export.to_csv(frame, [HEADERS.get(c, c) for c in frame.columns]), CSV_NAME)


def register(app, store) -> None:
    @app.callback(Output("intervention-table", "rowData"), Output("intervention-table", "columnDefs"),
                  Output("intervention-count", "children"), Input("view", "data"), Input("filters", "data"),
                  Input("pass-mark", "value"), Input("risk-model", "value"))
    def show_list(view, filters, mark, model_id):
        if not view:
            raise PreventUpdate
        return list_content(store, view, filters, mark, model_id)

    @app.callback(Output("intervention-download", "data"), Input("download-interventions", "n_clicks"),
                  State("view", "data"), State("filters", "data"), State("pass-mark", "value"),
                  State("risk-model", "value"), prevent_initial_call=True)
    def download(_clicks, view, filters, mark, model_id):
        if not view:
            raise PreventUpdate
        try:
            return csv_content(store, view, filters, mark, model_id)
        except NoModel:
            raise PreventUpdate from None
