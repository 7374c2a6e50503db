"""How far to trust the personas: each count's separation and stability under the persona-count selector (the
shell), and the persona section's caveat (Overview). Both read what the stability job stored, never fit."""
from __future__ import annotations

from dash import Input, Output

from backend.store import JobFailed, NotReady
from components import ids
from components.stability import caveats, pending, quality_table

from .common import only_for
from .context import request


def quality(store, view: dict | None):
    """The table under the persona-count selector, what is being measured, or why there is nothing."""
    req = request(store, view)
    if not req.analysis.personas:
        return None
    try:
        found = store.stability(req.dataset_id)
    except NotReady:
        return pending()
    except JobFailed as err:
        return str(err)[0].upper() + str(err)[1:] + "."
    return None if found is None else quality_table(found, len(req.analysis.personas))


def caveat(store, view: dict | None):
    """The persona section's warnings: few students (known at once), unstable personas (once measured)."""
    req = request(store, view)
    if not req.analysis.personas:
        return None
    try:
        found = store.stability(req.dataset_id)
    except (NotReady, JobFailed):
        found = None
    return caveats(found, len(req.analysis.personas), req.analysis.rows)


def register(app, store) -> None:
    @app.callback(Output(ids.PERSONA_COUNT_QUALITY, "children"), Input(ids.VIEW, "data"),
                  Input(ids.JOBS_READY, "data"))
    def show_quality(view, jobs):
        only_for("stability", jobs)
        return quality(store, view)

    @app.callback(Output(ids.PERSONA_CAVEAT, "children"), Input(ids.VIEW, "data"), Input(ids.JOBS_READY, "data"))
    def show_caveat(view, jobs):
        only_for("stability", jobs)
        return caveat(store, view)
