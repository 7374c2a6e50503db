"""Trajectory donut and descriptions, and the persona mix inside each trajectory."""
from __future__ import annotations

from dash import ALL, Input, Output, State, no_update

from analytics.explore import views
from components import figures, ids
from components.cards import model_list, note, suppressed_note

from .common import HIDDEN, SHOWN, colours, filters_only, if_changed, in_place, min_group
from .context import request

MIX_CAPTION = ("Each bar is one trajectory's students and adds up to 100%; a segment is the share of that "
               "trajectory's students who belong to the persona.")


def trajectory_panels(analysis, filters: dict | None = None, donut_keep=None, keep=None, threshold: int = 0) -> tuple:
    if not analysis.trajectories:
        return figures.empty(), None, figures.empty(), None, HIDDEN, None
    persona_palette, palette = colours(analysis)
    trajectories = sorted(analysis.trajectories, key=lambda t: t.id)
    names = [t.name for t in trajectories]
    sizes = views.model_sizes(analysis, "trajectories", donut_keep)
    donut = figures.donut(names, sizes, palette, f"{sum(sizes):,}" if donut_keep is not None else f"{len(names)}",
                          "students" if donut_keep is not None else "trajectories",
                          (filters or {}).get("trajectory"))
    described = model_list(trajectories, palette, analysis.rows, in_view=sizes, part_type=ids.TRAJECTORY_LIST_PART)
    mix = views.trajectory_mix(analysis, keep, threshold)
    if mix is None:
        reason = analysis.skipped.get("personas", "no personas were fitted")
        return donut, described, figures.empty(), None, HIDDEN, note(f"Personas are not available for this file "
                                                                      f"({reason}), so there is no mix to show.")
    return (donut, described, figures.stacked_share(mix, persona_palette, threshold), MIX_CAPTION, SHOWN,
            suppressed_note(mix, threshold))


def register(app, store) -> None:
    @app.callback(Output(ids.TRAJECTORY_DONUT, "figure"), Output(ids.TRAJECTORY_LIST, "children"),
                  Output(ids.TRAJECTORY_MIX, "figure"), Output(ids.TRAJECTORY_MIX_CAPTION, "children"),
                  Output(ids.TRAJECTORY_MIX_GRAPH, "style"), Output(ids.TRAJECTORY_MIX_NOTE, "children"),
                  Output({"type": ids.TRAJECTORY_LIST_PART, "part": ALL}, "children"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), State(ids.TRAJECTORY_MIX_GRAPH, "style"),
                  State(ids.TRAJECTORY_MIX_NOTE, "children"))
    def show_trajectories(view, filters, shown_style, shown_note):
        req = request(store, view, filters=filters)
        donut, described, mix, caption, style, mix_note = trajectory_panels(
            req.analysis, req.filters, req.keep(ignore=("trajectory",)), req.mask, min_group())
        described, sizes = in_place(described, ids.TRAJECTORY_LIST_PART)  # a click rewrites the counts alone
        if filters_only():  # the caption does not depend on the filters
            return (donut, described, mix, no_update, if_changed(style, shown_style), if_changed(mix_note, shown_note),
                    sizes)
        return donut, described, mix, caption, style, mix_note, sizes
