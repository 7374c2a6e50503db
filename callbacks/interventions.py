"""The intervention list for the view, its count, and its formula-safe CSV."""
from __future__ import annotations

from dash import Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

from analytics.explore import export
from analytics.predict import interventions
from analytics.predict.staff_list import staff_list
from backend.audit import note_export
from components import ids
from components.figures import pretty
from components.interventions import column_defs, csv_name, headers
from components.table import rows

from .common import as_shown, only_for
from .context import request


def intervention_frame(store, view, filters, mark_value, model_id, subject=None):
    """The list for the view (for one subject's model when a subject is picked, with its marks and targets;
    with the students' names and UPNs where the file has them), or None while no model can score it
    (`missing` says why)."""
    req = request(store, view, filters=filters, model_id=model_id, mark=mark_value, subject=subject,
                  need=("scores",))
    if req.missing:
        return req, None
    frame = interventions.intervention_list(req.analysis, req.scores, req.model, req.mask, label=pretty)
    return req, staff_list(frame, req.analysis, req.subject)


def list_content(store, view, filters, mark_value, model_id, subject=None) -> tuple:
    """(rows, column defs, count text); while the model is fitted, or is to be picked, the count says so."""
    req, frame = intervention_frame(store, view, filters, mark_value, model_id, subject)
    if frame is None:
        return [], [], req.missing.reason if req.missing.shown else ""
    noun = "student" if len(frame) == 1 else "students"
    total = frame.attrs.get("candidates", len(frame))
    count = (f"{len(frame):,} {noun}" if total == len(frame) else
             f"the {len(frame):,} most in need of {total:,} students")
    return rows(frame), column_defs(list(frame.columns), req.subject), count


def csv_content(store, view, filters, mark_value, model_id, subject=None) -> dict:
    """Exactly the rows the list shows, in its order, as a formula-safe CSV named for the subject."""
    req, frame = intervention_frame(store, view, filters, mark_value, model_id, subject)
    if frame is None:
        raise PreventUpdate
    note_export(store.directory, req.dataset_id, req.analysis.filename, f"{csv_name(req.subject)}: {len(frame):,} rows")
    return dcc.send_string(export.to_csv(frame, headers(list(frame.columns), req.subject)), csv_name(req.subject))


def register(app, store) -> None:
    @app.callback(Output(ids.INTERVENTION_TABLE, "rowData"), Output(ids.INTERVENTION_TABLE, "columnDefs"),
                  Output(ids.INTERVENTION_COUNT, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  Input(ids.PASS_MARK, "value"), Input(ids.RISK_MODEL, "value"), Input(ids.SUBJECT, "value"),
                  Input(ids.JOBS_READY, "data"), State(ids.INTERVENTION_TABLE, "columnDefs"))
    def show_list(view, filters, mark, model_id, subject, jobs, current):
        only_for(("risk", "subjects"), jobs)
        found, defs, count = list_content(store, view, filters, mark, model_id, subject)
        # new column definitions make the grid rebuild every column; a click changes only the rows
        return found, no_update if as_shown(defs) == current else defs, count

    @app.callback(Output(ids.INTERVENTION_DOWNLOAD, "data"), Input(ids.DOWNLOAD_INTERVENTIONS, "n_clicks"),
                  State(ids.VIEW, "data"), State(ids.FILTERS, "data"), State(ids.PASS_MARK, "value"),
                  State(ids.RISK_MODEL, "value"), State(ids.SUBJECT, "value"), prevent_initial_call=True)
    def download(_clicks, view, filters, mark, model_id, subject):
        return csv_content(store, view, filters, mark, model_id, subject)
