"""Personas and trajectories split by gender, by school type and by any other group the file has (year group,
form, teacher, FSM, SEN, EAL: one panel, the group chosen in it), as counts or percentages."""
from __future__ import annotations

import pandas as pd
from dash import Input, Output, State

from analytics.explore import filters as flt
from analytics.explore import views
from components import figures, ids
from components.cards import note, suppressed_note

from .common import HIDDEN, SHOWN, colours, if_changed, min_group
from .context import request

GROUPS = {"gender": ("gender", "Gender or Sex"), "school": ("school type", "School_Type or School")}
OTHER_GROUPS = [key for key in flt.GROUP_KEYS if key not in GROUPS]  # drawn in the one "By group" panel


def breakdown_panel(analysis, by: str, mode: str, keep=None, threshold: int = 0) -> tuple:
    """(figure, graph style, note, caption) for one grouping column ("gender" or "school")."""
    label, looked_for = GROUPS.get(by) or (flt.LABELS[by], flt.LABELS[by])
    column = flt.group_column(analysis, by)
    if not column:
        return figures.empty(), HIDDEN, note(f"No {label} column in this file (looked for {looked_for})."), None
    persona_palette, trajectory_palette = colours(analysis)
    panels = []
    for model, title, palette in (("personas", "Personas", persona_palette),
                                  ("trajectories", "Trajectories", trajectory_palette)):
        table = views.breakdown(analysis, model, by, keep, threshold)
        if table is not None:
            panels.append((title, table, palette))
    if not panels:
        return figures.empty(), HIDDEN, note("Neither personas nor trajectories could be fitted for this file."), None
    percent = mode == "percent"
    if percent:
        caption = (f"Percent of each {label} group's students: each column adds up to 100%, so groups of "
                   "different sizes compare fairly.")
    else:
        caption = f"Number of students in each {label} group, split by persona and by trajectory."
    hidden = suppressed_note(pd.concat([t for _, t, _ in panels]), threshold)
    fig = figures.breakdown(panels, percent, threshold)
    return (fig if by in GROUPS else figures.keyed(fig, by)), SHOWN, hidden, caption


def group_choices(analysis) -> list[dict]:
    """The groups of the "By group" panel this file has."""
    return [{"label": flt.LABELS[key], "value": key} for key in OTHER_GROUPS if flt.group_column(analysis, key)]


def register(app, store) -> None:
    # Both groupings in one callback: they fire on the same inputs, and each callback costs the browser's
    # renderer a round of bookkeeping over the whole page on every click.
    outputs = [Output(component, prop) for by in GROUPS
               for component, prop in zip(ids.BREAKDOWNS[by], ("figure", "style", "children", "children"))]
    shown = [State(component, prop) for by in GROUPS
             for component, prop in zip(ids.BREAKDOWNS[by][1:], ("style", "children", "children"))]

    @app.callback(*outputs, Input(ids.VIEW, "data"), Input(ids.BREAKDOWN_MODE, "value"), Input(ids.FILTERS, "data"),
                  *shown)
    def show_breakdowns(view, mode, filters, *states):
        req = request(store, view, filters=filters)
        out = []
        for index, by in enumerate(GROUPS):
            # the chart keeps every group of its own column visible, so a clicked bar can be clicked again
            fig, *rest = breakdown_panel(req.analysis, by, mode, req.keep(ignore=(by,)), min_group())
            out += [fig, *(if_changed(new, old) for new, old in zip(rest, states[3 * index:3 * index + 3]))]
        return out

    @app.callback(Output(ids.GROUP_BREAKDOWN_BY, "options"), Output(ids.GROUP_BREAKDOWN_BY, "value"),
                  Input(ids.VIEW, "data"), State(ids.GROUP_BREAKDOWN_BY, "value"))
    def group_options(view, chosen):
        options = group_choices(request(store, view).analysis)
        values = [o["value"] for o in options]
        return options, (chosen if chosen in values else (values[0] if values else None))

    # the panel is shown with its figure, in one response: a chart drawn inside a hidden box has no size
    @app.callback(Output(ids.GROUP_BREAKDOWN, "figure"), Output(ids.GROUP_BREAKDOWN_BOX, "style"),
                  Output(ids.GROUP_NOTE, "children"), Output(ids.GROUP_CAPTION, "children"),
                  Input(ids.VIEW, "data"), Input(ids.BREAKDOWN_MODE, "value"), Input(ids.FILTERS, "data"),
                  Input(ids.GROUP_BREAKDOWN_BY, "value"), State(ids.GROUP_BREAKDOWN_BOX, "style"))
    def show_group_breakdown(view, mode, filters, by, shown_style):
        req = request(store, view, filters=filters)
        if by not in OTHER_GROUPS or not flt.group_column(req.analysis, by):
            return figures.empty(), if_changed(HIDDEN, shown_style), None, None
        fig, style, hidden, text = breakdown_panel(req.analysis, by, mode, req.keep(ignore=(by,)), min_group())
        return fig, if_changed(style, shown_style), hidden, text
