"""What every dashboard callback needs: the Analysis behind the small `view` store, the current filter
mask, and colour maps."""
from __future__ import annotations

import os

import numpy as np
from dash.exceptions import PreventUpdate

from analytics.explore import filters as flt
from analytics.explore import views
from components.theme import persona_colours, trajectory_colours

HIDDEN = {"display": "none"}
SHOWN: dict = {}
DEFAULT_MIN_GROUP = 10


def load(store, view: dict | None):
    """The view store holds only {dataset_id, personas}; the Analysis itself stays server-side."""
    if not view:
        raise PreventUpdate
    return store.analysis(view["dataset_id"], view["personas"])


def keep(store, analysis, filters: dict | None, ignore: tuple[str, ...] = ()) -> np.ndarray:
    """The students in the current view, as a mask; a selection id is looked up in the store."""
    filters = flt.normalise(analysis, filters)
    selection = store.selection(filters.get("selection")) if "selection" in filters else None
    return flt.mask(analysis, filters, ignore=ignore, selection=selection)


def min_group() -> int:
    """Counts below this are shown as "fewer than N" (school reporting practice); COHORT_ATLAS_MIN_GROUP."""
    try:
        return max(0, int(os.environ.get("COHORT_ATLAS_MIN_GROUP", DEFAULT_MIN_GROUP)))
    except ValueError:
        return DEFAULT_MIN_GROUP


def colours(analysis) -> tuple[dict[str, str], dict[str, str]]:
    return (persona_colours(views.model_names(analysis, "personas")),
            trajectory_colours(views.model_names(analysis, "trajectories")))
