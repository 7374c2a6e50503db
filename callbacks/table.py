"""The student table: rows and columns for the current view, the visible count, and CSV download."""
from __future__ import annotations

from dash import Input, Output, State

from analytics import views
from analytics.results import PERSONA, ROW, TRAJECTORY
from components.table import column_defs, rows

from .common import colours, keep, load

# The grid filters and exports in the browser, so every row is sent; past this many the page gets slow.
ROW_LIMIT = 30_000


def table_content(analysis, keep=None) -> tuple:
    frame = views.table_frame(analysis, ROW_LIMIT, keep)
    in_view = analysis.rows if keep is None else int(keep.sum())
    persona_palette, trajectory_palette = colours(analysis)
    defs = column_defs(frame, ROW, PERSONA, TRAJECTORY, persona_palette, trajectory_palette)
    limited = (f" · showing the first {ROW_LIMIT:,} of {in_view:,} (filters and download cover these)"
               if in_view > ROW_LIMIT else "")
    return rows(frame), defs, limited


def register(app, store) -> None:
    @app.callback(Output("student-table", "rowData"), Output("student-table", "columnDefs"),
                  Output("table-note", "children"), Input("view", "data"), Input("filters", "data"))
    def show_table(view, filters):
        analysis = load(store, view)
        return table_content(analysis, keep(store, analysis, filters))

    # The grid writes the CSV itself (exportDataAsCsv), with the user's sort and filters applied.
    app.clientside_callback("function (clicks) { return true; }", Output("student-table", "exportDataAsCsv"),
                            Input("download-csv", "n_clicks"), prevent_initial_call=True)

    # Counting in the browser: virtualRowData (rows left after the grid's filters) never goes to the server.
    app.clientside_callback(
        """function (visible, all) {
            const total = (all || []).length;
            const shown = visible ? visible.length : total;
            const fmt = (n) => n.toLocaleString('en-US');
            const noun = total === 1 ? ' student' : ' students';
            return shown === total ? fmt(total) + noun : fmt(shown) + ' of ' + fmt(total) + noun;
        }""",
        Output("table-count", "children"), Input("student-table", "virtualRowData"),
        State("student-table", "rowData"),
    )
