"""What every dashboard callback needs: the Analysis behind the small `view` store, and colour maps."""
from __future__ import annotations

from dash.exceptions import PreventUpdate

from analytics import views
from components.theme import persona_colours, trajectory_colours

HIDDEN = {"display": "none"}
SHOWN: dict = {}


def load(store, view: dict | None):
    """The view store holds only {dataset_id, personas}; the Analysis itself stays server-side."""
    if not view:
        raise PreventUpdate
    return store.analysis(view["dataset_id"], view["personas"])


def colours(analysis) -> tuple[dict[str, str], dict[str, str]]:
    return (persona_colours(views.model_names(analysis, "personas")),
            trajectory_colours(views.model_names(analysis, "trajectories")))
