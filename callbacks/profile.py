"""Which student is open (map click, table click, a "students like this" link) and their profile card."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from analytics.explore.profile import student_profile
from components import ids
from components.cards import note
from components.profile import profile_body

from .common import colours
from .context import request


def chosen_row(trigger, map_click: dict | None, cell: dict | None, first_row: int = 2) -> int | None:
    """The 0-based data row a click points at, or None. `first_row` is the spreadsheet row of data row 0."""
    if trigger == ids.STUDENT_MAP and map_click and map_click.get("points"):
        data = map_click["points"][0].get("customdata")
        data = data[0] if isinstance(data, list) else data
        return int(data) if isinstance(data, (int, float)) else None
    grids = (ids.STUDENT_TABLE, ids.OUTLIER_TABLE, ids.INTERVENTION_TABLE)
    if trigger in grids and cell and cell.get("rowId") is not None:
        try:
            return int(cell["rowId"]) - first_row  # the grid's row id is the spreadsheet row number
        except ValueError:
            return None
    if isinstance(trigger, dict) and trigger.get("type") == ids.SIMILAR_STUDENT:
        return int(trigger["row"])
    return None


def clicked_cell(trigger, student_cell, outlier_cell, intervention_cell) -> dict | None:
    """The cellClicked of the grid that fired; None for other triggers (a "students like this" id is a dict)."""
    if not isinstance(trigger, str):
        return None
    return {ids.STUDENT_TABLE: student_cell, ids.OUTLIER_TABLE: outlier_cell,
            ids.INTERVENTION_TABLE: intervention_cell}.get(trigger)


# where a student can be clicked, and what the click is: each tab relays its own to ids.STUDENT_PICK
SOURCES = {ids.STUDENT_MAP: "clickData", ids.STUDENT_TABLE: "cellClicked", ids.OUTLIER_TABLE: "cellClicked",
           ids.INTERVENTION_TABLE: "cellClicked"}


def profile_content(analysis, row: int | None, allowed=None) -> tuple:
    """(card body, open?, title). `allowed` (a teacher's rows) also limits the students like this one."""
    if row is None:
        return None, False, "Student"
    try:
        profile = student_profile(analysis, row, among=allowed)
    except ValueError as err:
        return note(str(err)), True, "Student"
    palette, _ = colours(analysis)
    return profile_body(profile, palette.get(profile.persona), analysis.exam_column), True, \
        f"Student in row {profile.sheet_row}"


def register(app, store) -> None:
    # One callback owns the student store and the card, so closing the card can clear the student
    # without a loop between callbacks.
    @app.callback(Output(ids.STUDENT, "data"), Output(ids.PROFILE_BODY, "children"), Output(ids.PROFILE, "is_open"),
                  Output(ids.PROFILE, "title"),
                  Input(ids.STUDENT_PICK, "data"),
                  Input({"type": ids.SIMILAR_STUDENT, "row": ALL}, "n_clicks"), Input(ids.PROFILE, "is_open"),
                  Input(ids.VIEW, "data"), State(ids.STUDENT, "data"), prevent_initial_call=True)
    def show_student(pick, _similar, is_open, view, student):
        trigger = ctx.triggered_id
        map_click = cell = outlier_cell = intervention_cell = None
        if trigger == ids.STUDENT_PICK:  # as if the map or grid itself had fired
            if not pick or pick.get("source") not in SOURCES:
                return (no_update,) * 4
            trigger, value = pick["source"], pick.get("value")
            map_click = value if trigger == ids.STUDENT_MAP else None
            cell, outlier_cell, intervention_cell = (value if trigger == grid else None for grid in
                                                     (ids.STUDENT_TABLE, ids.OUTLIER_TABLE, ids.INTERVENTION_TABLE))
        if trigger == "view":  # another dataset or persona count: no card stays open on a student of the last one
            # nothing open: writing None again would wake the card's risk, terms and counsellor panels for nothing
            return (no_update,) * 4 if student is None and not is_open else (None, None, False, "Student")
        if trigger == "profile":
            return (no_update,) * 4 if is_open else (None, no_update, no_update, no_update)
        if isinstance(trigger, dict) and not (ctx.triggered and ctx.triggered[0].get("value")):
            return (no_update,) * 4  # the list was re-drawn; nothing was clicked
        req = request(store, view)
        analysis = req.analysis
        row = chosen_row(trigger, map_click, clicked_cell(trigger, cell, outlier_cell, intervention_cell),
                         analysis.sheet_row(0))
        if row is None or (req.allowed is not None and not (0 <= row < len(req.allowed) and req.allowed[row])):
            return (no_update,) * 4
        return (row, *profile_content(analysis, row, req.allowed))
