"""The intervention list: students in view most in need of help first, with reasons and a suggested kind of
support; a click opens the student's card, and the CSV is formula-safe."""
from __future__ import annotations

import re

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .table import GRID_THEME, ROW_HEADER

CSV_NAME = "cohort-atlas-interventions.csv"
HEADERS = {"priority": "Priority", "row": ROW_HEADER, "persona": "Persona", "predicted": "Predicted score",
           "chance_below": "Chance below pass", "gain_with_support": "Gain with support", "flags": "Flags",
           "main_factors": "Main factors", "suggested_support": "Suggested support", "progress": "Progress"}
TIPS = {"progress": "The mark against the expected mark of students with the same prior attainment (KS2 or the previous "
                    "score), in points: below zero, behind students who started where this one did",
        "priority": "Chance below the pass mark, weighted up where a feasible package of support closes the gap",
        "gain_with_support": "Predicted points gained if every actionable factor moved half-way to its slider limit",
        "main_factors": "The inputs that pull this student's prediction down most, with their effect in points"}


def intervention_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.INTERVENTION_TABLE, rowData=[], columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "wrapText": True, "autoHeight": True,
                       "cellStyle": {"lineHeight": "1.35", "paddingTop": "5px", "paddingBottom": "5px"}},
        getRowId="'' + params.data.row",
        dashGridOptions={"pagination": True, "paginationPageSize": 10, "paginationPageSizeSelector": [10, 25, 100],
                         "animateRows": False, "enableCellTextSelection": True, "tooltipShowDelay": 300,
                         "theme": {"function": GRID_THEME}},
        columnSize="responsiveSizeToFit",
        style={"height": "520px", "width": "100%"},
    )


def csv_name(subject: str | None = None) -> str:
    """The download's file name: the subject's in it, so lists of several subjects do not overwrite each other."""
    if not subject:
        return CSV_NAME
    slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-") or "subject"
    return f"cohort-atlas-interventions-{slug}.csv"


def headers(columns: list[str], subject: str | None = None) -> list[str]:
    """Each column's heading; a subject's list names the subject in its mark, prediction and target."""
    named = {"mark": f"{subject} mark", "predicted": f"Predicted {subject} mark", "target": f"{subject} target",
             "below_target": "Below target"} if subject else {}
    return [named.get(c, HEADERS.get(c, c)) for c in columns]


def column_defs(columns: list[str], subject: str | None = None) -> list[dict]:
    defs = []
    for col, heading in zip(columns, headers(columns, subject)):
        spec = {"field": col, "headerName": heading, "minWidth": 110,
                **({"headerTooltip": TIPS[col]} if col in TIPS else {})}
        if col == "row":
            spec.update(pinned="left", width=90, minWidth=80, filter="agNumberColumnFilter")
        elif col in ("priority", "predicted", "chance_below", "gain_with_support", "target"):
            spec.update(filter="agNumberColumnFilter", minWidth=120, width=130)
            if col == "chance_below":
                spec["valueFormatter"] = {"function": "d3.format('.0%')(params.value)"}
        elif col in ("flags", "main_factors", "suggested_support"):
            spec.update(minWidth=240, width=320)  # no flex: AG Grid hides a flex grid's cells until it can size them
        elif col == "persona":
            spec.update(minWidth=170)
        defs.append(spec)
    return defs


def intervention_body() -> list:
    return [
        html.Div([
            html.Div([html.H3("Whom to help first", className="panel-title"),
                      html.Div("Students in view with a real chance of ending below the pass mark, ranked by need "
                               "and by how much support could help; click a row for the student's card",
                               className="panel-subtitle")]),
            html.Div([html.Span(id=ids.INTERVENTION_COUNT, className="table-count me-3"),
                      dbc.Button([html.I(className="bi bi-download me-2"), "Download CSV"],
                                 id=ids.DOWNLOAD_INTERVENTIONS, color="primary", outline=True, size="sm")],
                     className="panel-tools d-flex align-items-center"),
        ], className="panel-head"),
        dcc.Loading(intervention_grid(), type="dot", delay_show=400),
        dcc.Download(id=ids.INTERVENTION_DOWNLOAD),
    ]
