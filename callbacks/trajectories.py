"""Trajectory donut and descriptions, and the persona mix inside each trajectory."""
from __future__ import annotations

from dash import Input, Output

from analytics.explore import filters as flt
from analytics.explore import views
from components import figures
from components.cards import model_list, note, suppressed_note

from .common import HIDDEN, SHOWN, colours, keep, load, min_group

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
    described = model_list(trajectories, palette, analysis.rows)
    mix = views.trajectory_mix(analysis, keep, threshold)
    if mix is None:
        reason = analysis.skipped.get("personas", "no personas were fitted")
        return donut, described, figures.empty(), None, HIDDEN, note(f"Personas are not available for this file "
                                                                      f"({reason}), so there is no mix to show.")
    return (donut, described, figures.stacked_share(mix, persona_palette, threshold), MIX_CAPTION, SHOWN,
            suppressed_note(mix, threshold))


def register(app, store) -> None:
    @app.callback(Output("trajectory-donut", "figure"), Output("trajectory-list", "children"),
                  Output("trajectory-mix", "figure"), Output("trajectory-mix-caption", "children"),
                  Output("trajectory-mix-graph", "style"), Output("trajectory-mix-note", "children"),
                  Input("view", "data"), Input("filters", "data"))
    def show_trajectories(view, filters):
        analysis = load(store, view)
        filters = flt.normalise(analysis, filters)
        return trajectory_panels(analysis, filters, keep(store, analysis, filters, ignore=("trajectory",)),
                                 keep(store, analysis, filters), min_group())
