"""Trajectory donut and descriptions, and the persona mix inside each trajectory."""
from __future__ import annotations

from dash import Input, Output

from analytics import views
from components import figures
from components.cards import model_list, note

from .common import HIDDEN, SHOWN, colours, load

MIX_CAPTION = ("Each bar is one trajectory's students and adds up to 100%; a segment is the share of that "
               "trajectory's students who belong to the persona.")


def trajectory_panels(analysis) -> tuple:
    if not analysis.trajectories:
        return figures.empty(), None, figures.empty(), None, HIDDEN, None
    persona_palette, palette = colours(analysis)
    trajectories = sorted(analysis.trajectories, key=lambda t: t.id)
    names = [t.name for t in trajectories]
    donut = figures.donut(names, [t.size for t in trajectories], palette, f"{len(names)}", "trajectories")
    described = model_list(trajectories, palette, analysis.rows)
    mix = views.trajectory_mix(analysis)
    if mix is None:
        reason = analysis.skipped.get("personas", "no personas were fitted")
        return donut, described, figures.empty(), None, HIDDEN, note(f"Personas are not available for this file "
                                                                      f"({reason}), so there is no mix to show.")
    return donut, described, figures.stacked_share(mix, persona_palette), MIX_CAPTION, SHOWN, None


def register(app, store) -> None:
    @app.callback(Output("trajectory-donut", "figure"), Output("trajectory-list", "children"),
                  Output("trajectory-mix", "figure"), Output("trajectory-mix-caption", "children"),
                  Output("trajectory-mix-graph", "style"), Output("trajectory-mix-note", "children"),
                  Input("view", "data"))
    def show_trajectories(view):
        return trajectory_panels(load(store, view))
