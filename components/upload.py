"""The upload card: a drop zone over a real file input, a progress bar, and the status message."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .datasets import delete_controls
from .mapping import mapping_modal, mapping_opener
from .terms import add_term_control

ACCEPT = (".csv,.tsv,.txt,.xlsx,.xlsm,text/csv,text/plain,"
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def upload_card(upload_url: str, max_bytes: int) -> dbc.Card:
    # assets/upload.js adds the <input type=file id="upload-input"> (Dash has no file-input component),
    # posts the file to upload_url with progress, and reports back through the upload-result store.
    zone = html.Div([
        html.Div(html.I(className="bi bi-cloud-arrow-up"), className="drop-icon"),
        html.Div([html.Span("Drop a student CSV or Excel file here", className="fw-semibold"), " or ",
                  html.Span("choose a file", className="drop-link")], className="drop-title"),
        html.Div(f"CSV or Excel (.xlsx) · up to {max_bytes / 2**20:g} MB · one row per student",
                 className="drop-hint"),
    ], className="drop-zone", id=ids.DROP_ZONE, **{"data-upload-url": upload_url, "data-accept": ACCEPT,
                                                   "data-max-bytes": str(max_bytes)})
    return dbc.Card(dbc.CardBody([
        zone,
        html.Div(dbc.Progress(id=ids.UPLOAD_PROGRESS, value=0, className="upload-progress mt-3",
                              style={"display": "none"}), **{"data-control-label": "Upload progress"}),
        html.Div(id=ids.UPLOAD_STATUS, className="mt-3", **{"aria-live": "polite"}),
        html.Div([html.Label("Sheet", htmlFor=ids.SHEET_PICKER, className="sheet-label"),
                  dcc.Dropdown(id=ids.SHEET_PICKER, clearable=False, searchable=False, className="sheet-picker")],
                 id=ids.SHEET_BOX, className="sheet-box mt-2", style={"display": "none"}),
        mapping_opener(),
        add_term_control(),
        mapping_modal(),
        delete_controls(),
        dcc.Store(id=ids.UPLOAD_RESULT),
    ], className="upload-body"), className="section-card h-100")
