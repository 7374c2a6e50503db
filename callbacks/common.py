"""Small helpers the dashboard callbacks share: the filter mask, the minimum group size and colour maps. What a
callback needs from the store (Analysis, filters, risk model) comes from context.request."""
from __future__ import annotations

import json

import numpy as np
from dash import ctx, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from plotly.utils import PlotlyJSONEncoder

from analytics import defaults
from analytics.explore import filters as flt
from analytics.explore import views
from components import ids
from components.theme import persona_colours, trajectory_colours

HIDDEN = {"display": "none"}
SHOWN: dict = {}


def keep(store, analysis, filters: dict | None, ignore: tuple[str, ...] = ()) -> np.ndarray:
    """The students in the current view, as a mask; a selection id is looked up in the store."""
    filters = flt.normalise(analysis, filters)
    selection = store.selection(filters.get("selection")) if "selection" in filters else None
    moved = store.move_rows(analysis.dataset_id, filters["move"], len(analysis.personas) or defaults.PERSONAS) \
        if "move" in filters else None
    return flt.mask(analysis, filters, ignore=ignore, selection=selection, moved=moved)


def min_group() -> int:
    """Counts below this are shown as "fewer than N"; COHORT_ATLAS_MIN_GROUP overrides the default."""
    return defaults.min_group()


def colours(analysis) -> tuple[dict[str, str], dict[str, str]]:
    return (persona_colours(views.model_names(analysis, "personas")),
            trajectory_colours(views.model_names(analysis, "trajectories")))


def fired() -> frozenset[str]:
    """The ids of the inputs that set the current callback off (Dash may batch several into one call)."""
    return frozenset(t["prop_id"].split(".")[0] for t in ctx.triggered or ())


def only_for(job: str | tuple[str, ...], reply: dict | None) -> None:
    """Raise PreventUpdate when the callback fired only because another background job than `job` (or one of
    several) finished (the jobs-ready store): the panel's content did not change, so it keeps what a teacher
    may be clicking."""
    jobs = (job,) if isinstance(job, str) else job
    reply = reply or {}
    if fired() == {ids.JOBS_READY} and reply.get("job") not in jobs and not set(jobs) & set(reply.get("done", ())):
        raise PreventUpdate


def filters_only() -> bool:
    """True when the callback fired only because the filters changed: outputs that do not depend on them are
    left as they are (no_update), so the browser neither receives nor redraws them on a click."""
    return fired() == {ids.FILTERS}


def as_shown(value) -> object:
    """`value` as the browser holds it (JSON), to tell whether sending it again would change anything."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def if_changed(new, current):
    """`new`, or no_update when the browser shows it already (`current`, read as a State). The renderer updates
    every component it is sent a value for, and each update costs the page a pass over all its components."""
    return no_update if as_shown(new) == current else new


def parts(tree, part_type: str) -> dict:
    """Part name -> children of each component in `tree` whose id is {"type": part_type, "part": name}."""
    found: dict = {}

    def walk(node) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if not isinstance(node, Component):
            return
        node_id = getattr(node, "id", None)
        if isinstance(node_id, dict) and node_id.get("type") == part_type:
            found[node_id["part"]] = getattr(node, "children", None)
        walk(getattr(node, "children", None))

    walk(tree)
    return found


def in_place(tree, part_type: str) -> tuple:
    """(`tree`, no_update for each of its parts), or on a filter change over a tree of the same parts as the
    browser's (no_update, each part's new children): the renderer re-creates every component of a `children`
    it is sent, at a pass over the whole page each, so a click re-sending the KPI tiles or a persona list
    cost far more than the few numbers in them that changed. The callback's output for the parts is
    Output({"type": part_type, "part": ALL}, "children")."""
    shown = next((spec for spec in ctx.outputs_list if isinstance(spec, list) and spec
                  and spec[0]["id"].get("type") == part_type), [])
    names = [spec["id"]["part"] for spec in shown]
    new = parts(tree, part_type)
    if filters_only() and names and sorted(names) == sorted(new):
        return no_update, [new[name] for name in names]
    return tree, [no_update] * len(shown)
