"""The outlier table: unusual students in the current view with the reasons DBSCAN found, sortable and
exportable; a click opens the student's profile card."""
from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from . import ids
from .figures import pretty
from .table import GRID_THEME, ROW_HEADER


# Widths, not flex, share the width out (with columnSize="responsiveSizeToFit"): with a flex column AG Grid keeps
# every cell hidden (ag-delay-render) until it can measure the grid, and on a busy machine the table stayed blank.
# The columns the table has before it has outliers to show (the job still running, or a reason in the count
# line): a grid without columns is a header row without cells, which screen readers cannot read.
EMPTY_COLUMNS = ["row", "unusualness", "reasons"]


def outlier_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.OUTLIER_TABLE, rowData=[], columnDefs=empty_column_defs(),
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        getRowId="'' + params.data.row",
        dashGridOptions={"pagination": True, "paginationPageSize": 10, "paginationPageSizeSelector": [10, 25, 100],
                         "animateRows": False, "enableCellTextSelection": True, "tooltipShowDelay": 300,
                         "theme": {"function": GRID_THEME}},
        csvExportParams={"fileName": "cohort-atlas-outliers.csv"},
        columnSize="responsiveSizeToFit",
        style={"height": "470px", "width": "100%"},
    )


def outlier_column_defs(columns: list[str], row_column: str) -> list[dict]:
    defs = []
    for col in columns:
        spec = {"field": col, "headerName": pretty(col), "minWidth": 120}
        if col == row_column:
            spec.update(headerName=ROW_HEADER, pinned="left", width=90, minWidth=90, filter="agNumberColumnFilter",
                        headerTooltip="Row number in the uploaded file (the header is row 1)")
        elif col == "unusualness":
            spec.update(headerName="How unusual (SD)", filter="agNumberColumnFilter", minWidth=150, sort="desc",
                        headerTooltip="Distance from the nearest dense group of students, in standard deviations")
        elif col == "reasons":
            spec.update(headerName="Why", minWidth=520, width=620, wrapText=True, autoHeight=True,  # no flex: see above
                        cellStyle={"lineHeight": "1.4", "paddingTop": "6px", "paddingBottom": "6px"})
        defs.append(spec)
    return defs


def empty_column_defs() -> list[dict]:
    return outlier_column_defs(EMPTY_COLUMNS, "row")


def outlier_body() -> list:
    toolbar = html.Div([
        html.Div([html.Span(id=ids.OUTLIER_COUNT, className="table-count"),
                  html.Span(id=ids.OUTLIER_METHOD, className="table-note")]),
        dbc.Button([html.I(className="bi bi-download me-2"), "Download CSV"], id=ids.DOWNLOAD_OUTLIERS,
                   color="primary", outline=True, size="sm"),
    ], className="table-toolbar")
    return [html.P("Students who sit in no dense group of similar students (DBSCAN on the themes). Unusual is "
                   "not bad: it says where a student's mix of circumstances differs from everyone like them. "
                   "Click a row to open the student.", className="panel-subtitle"),
            toolbar, html.Div(outlier_grid(), id=ids.OUTLIER_GRID_BOX), html.Div(id=ids.OUTLIER_NOTE)]
