"""The Report section: build the leadership report for the view (a background job; then HTML and PDF links),
and carry the personas forward (download this cohort's persona model, apply one to this file)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids

HIDDEN = {"display": "none"}
CAPTION = ("A leadership report for the students in view: headline figures, personas and trajectories, subjects, "
           "group gaps, interventions, the risk model beside its baselines, fairness, data quality and the six "
           "insights with the figures behind them. One HTML file that opens offline, and a PDF for A4. Groups of "
           "fewer than the reporting threshold are left out; no names or ids unless you ask for the list.")
CARRY = ("Personas mean the same thing year to year when next year's cohort is placed on this year's: download "
         "this file's persona model (no student rows), then apply it to next year's file.")


def report_section() -> html.Div:
    return html.Div([
        html.Div(html.H2([html.I(className="bi bi-file-earmark-text me-2"), "Report"], className="section-title"),
                 className="section-head"),
        dbc.Card(dbc.CardBody([
            html.Div(CAPTION, className="panel-subtitle mb-2"),
            html.Div([
                dbc.Checkbox(id=ids.REPORT_STUDENTS, value=False, className="me-3",
                             label="Include student list (staff only)"),
                dbc.Button([html.I(className="bi bi-file-earmark-arrow-down me-1"), "Build the report"],
                           id=ids.REPORT_BUTTON, color="primary", size="sm", n_clicks=0),
            ], className="d-flex align-items-center flex-wrap gap-2 mb-2"),
            html.Div(id=ids.REPORT_RESULT, role="status"),
            html.Hr(),
            html.H3("Carry the personas forward", className="h6"),
            html.Div(CARRY, className="panel-subtitle mb-2"),
            html.Div([
                dbc.Button([html.I(className="bi bi-download me-1"), "Download persona model"],
                           id=ids.MODEL_DOWNLOAD_BUTTON, color="primary", outline=True, size="sm", n_clicks=0),
                dcc.Upload(dbc.Button([html.I(className="bi bi-upload me-1"), "Apply a model file…"],
                                      color="primary", outline=True, size="sm"),
                           id=ids.MODEL_UPLOAD, accept=".json,application/json", max_size=2**20),
            ], className="d-flex flex-wrap gap-2 mb-2"),
            dcc.Download(id=ids.MODEL_DOWNLOAD),
            html.Div(id=ids.MODEL_STATUS, role="status"),
        ]), className="section-card mb-5"),
        dcc.Store(id=ids.REPORT_START),
    ], id=ids.REPORT_SECTION)


def report_progress() -> html.Div:
    """The report job's bar: with the other jobs' bars, on every tab (the job goes on when the tab closes)."""
    return html.Div(dbc.Progress(id=ids.REPORT_PROGRESS, value=100, striped=True, animated=True,
                                 style={"height": "1.25rem"}), id=ids.REPORT_PROGRESS_BOX, style=HIDDEN,
                    className="mb-2", **{"data-control-label": "Building the report"})


def report_links(reply: dict, prefix: str) -> list:
    """What the section shows when the job is done: the downloads, or why not."""
    if reply.get("error"):
        return [dbc.Alert(reply["error"], color="warning", className="py-2 mb-0")]
    base = f"{prefix}download/report/{reply['token']}"
    links = [html.A([html.I(className="bi bi-filetype-html me-1"), "Download the report (HTML)"], href=base + ".html",
                    id=ids.REPORT_HTML_LINK, className="me-3", download="")]
    if reply.get("pdf"):
        links.append(html.A([html.I(className="bi bi-filetype-pdf me-1"), "Download the PDF"], href=base + ".pdf",
                            id=ids.REPORT_PDF_LINK, download=""))
    body = [html.Div(f"Report ready for {reply['students']:,} students.", className="small mb-1"), html.Div(links)]
    if reply.get("note"):
        body.append(html.Div(f"No PDF: {reply['note']}", className="small text-muted mt-1"))
    return body
