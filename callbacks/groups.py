"""The groups section: the subject x group heat map and the FSM/SEN/EAL gaps, for the current view."""
from __future__ import annotations

from dash import Input, Output, State

from analytics.explore import gaps, heatmap
from components import figures, ids
from components.cards import note
from components.gaps import gaps_table
from components.heatmap import heatmap as heatmap_figure

from .common import HIDDEN, SHOWN, if_changed, min_group
from .context import request

NO_GROUPS = ("No group column to compare (looked for Year Group, Form, FSM, SEN, EAL and Gender) or no outcome "
             "or subject marks in this file.")


def heatmap_panel(req) -> tuple:
    """(figure, graph style, note) for the view: each row block leaves its own filter out."""
    threshold = min_group()
    result = heatmap.heatmap(req.analysis, lambda key: req.keep(ignore=(key,)), threshold)
    if result is None:
        return figures.empty(), HIDDEN, note(NO_GROUPS)
    hidden = int(result.cells["suppressed"].sum())
    said = note(f"{hidden} cell(s) with fewer than {threshold} students are not reported.") if hidden else None
    return heatmap_figure(result, threshold, req.filters), SHOWN, said


def gaps_panel(req):
    return gaps_table(gaps.gaps(req.analysis, lambda key: req.keep(ignore=(key,)), min_group()), min_group())


def register(app, store) -> None:
    @app.callback(Output(ids.GROUP_HEATMAP, "figure"), Output(ids.GROUP_HEATMAP_GRAPH, "style"),
                  Output(ids.GROUP_HEATMAP_NOTE, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  State(ids.GROUP_HEATMAP_GRAPH, "style"))
    def show_heatmap(view, filters, shown_style):
        fig, style, said = heatmap_panel(request(store, view, filters=filters))
        return fig, if_changed(style, shown_style), said

    @app.callback(Output(ids.GAPS_TABLE, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"))
    def show_gaps(view, filters):
        return gaps_panel(request(store, view, filters=filters))
