"""The student table (dash-ag-grid): every student with persona and trajectory, sortable and filterable."""
from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from . import ids
from .figures import pretty

ROW_HEADER = "Row"
GRID_THEME = ("themeQuartz.withParams({accentColor: '#2563eb', fontFamily: 'Inter Variable, system-ui, sans-serif', "
              "headerFontWeight: 600, borderColor: '#e2e8f0', headerBackgroundColor: '#f8fafc', fontSize: 13, "
              "spacing: 6})")


CSV_NAME = "cohort-atlas-students.csv"
BLOCK = 100  # rows per request to the server


def grid() -> dag.AgGrid:
    # Infinite row model: the server filters and sorts, the browser holds a few blocks (callbacks/table.py).
    return dag.AgGrid(
        id=ids.STUDENT_TABLE,
        rowModelType="infinite",
        columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "floatingFilter": True, "resizable": True,
                       "minWidth": 110},
        # a string, as AG Grid wants (dash-ag-grid's expressions cannot call String()); cellClicked then names the
        # student's row, whatever the sort
        getRowId="'' + params.data.row",
        dashGridOptions={"pagination": True, "paginationPageSize": 25, "paginationPageSizeSelector": [25, 50, 100],
                         "cacheBlockSize": BLOCK, "maxBlocksInCache": 20, "animateRows": False, "tooltipShowDelay": 300, "enableCellTextSelection": True,
                         "theme": {"function": GRID_THEME}, "rowSelection": {"mode": "singleRow",
                                                                             "checkboxes": False,
                                                                             "enableClickSelection": True}},
        columnSize="responsiveSizeToFit",  # few columns fill the card; many keep minWidth and scroll
        style={"height": "620px", "width": "100%"},
    )


def _colour_rule(colours: dict[str, str]) -> dict:
    return {"styleConditions": [
        {"condition": f"params.value === {json.dumps(name)}",
         "style": {"borderLeft": f"5px solid {colour}", "fontWeight": "500"}}
        for name, colour in colours.items()]}


def column_defs(frame: pd.DataFrame, row_column: str, persona: str, trajectory: str,
                persona_colours: dict[str, str], trajectory_colours: dict[str, str]) -> list[dict]:
    defs = []
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        header = pretty(col)
        spec = {"field": col, "headerName": header, "minWidth": max(110, 8 * len(header) + 60),  # header + icons
                "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter"}
        if col == row_column:
            spec.update(headerName=ROW_HEADER, pinned="left", width=100, minWidth=90,
                        headerTooltip="Row number in the uploaded file (the header is row 1)")
        elif col == persona:
            spec.update(pinned="left", minWidth=290, cellStyle=_colour_rule(persona_colours))
        elif col == trajectory:
            spec.update(minWidth=180, cellStyle=_colour_rule(trajectory_colours))
        defs.append(spec)
    return defs


def headers(columns: list[str], row_column: str) -> list[str]:
    """Column titles as the grid shows them, for the CSV."""
    return [ROW_HEADER if c == row_column else pretty(c) for c in columns]


def rows(frame: pd.DataFrame) -> list[dict]:
    # pandas' C JSON writer is ~1.6x faster than to_dict("records") and turns NaN/NA into null.
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def toolbar() -> html.Div:
    return html.Div([
        html.Div([html.Span("0 students", id=ids.TABLE_COUNT, className="table-count"),
                  html.Span(id=ids.TABLE_NOTE, className="table-note")]),
        dbc.Button([html.I(className="bi bi-download me-2"), "Download CSV"], id=ids.DOWNLOAD_CSV,
                   color="primary", outline=True, size="sm"),
        dcc.Download(id=ids.STUDENT_DOWNLOAD),
        dcc.Store(id=ids.TABLE_REFRESH),
    ], className="table-toolbar")
