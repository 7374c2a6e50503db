"""Deleting the dataset on screen: a link under the upload card and a confirm step that says what goes."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from . import ids

WHAT_GOES = ("This removes the uploaded file from the server with everything computed from it: analyses, "
             "models, the student map, insights, saved map selections and background job results. "
             "It cannot be undone; the audit log keeps a line saying who deleted it and when.")


def delete_controls(audit_url: str = "admin/audit") -> html.Div:
    return html.Div([
        dbc.Button([html.I(className="bi bi-trash me-1"), "Delete this dataset…"], id=ids.DELETE_OPEN,
                   color="link", size="sm", className="p-0 align-baseline"),
        html.A([html.I(className="bi bi-journal-text me-1"), "Audit log"], id=ids.AUDIT_LINK, href=audit_url,
               target="_blank", className="small ms-3", style={"display": "none"}),  # shown to admins
        html.Div(id=ids.DELETE_STATUS, role="status", className="small", **{"aria-live": "polite"}),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle("Delete this dataset?")),
            dbc.ModalBody([html.P(html.Strong(id=ids.DELETE_NAME)), html.P(WHAT_GOES, className="small mb-0")]),
            dbc.ModalFooter([
                dbc.Button("Cancel", id=ids.DELETE_CANCEL, color="primary", outline=True),
                dbc.Button("Delete for good", id=ids.DELETE_CONFIRM, color="danger"),
            ]),
        ], id=ids.DELETE_MODAL, is_open=False),
    ], className="mt-2 delete-controls")
