"""Dataset or persona count changes: run (or fetch) the analysis once, then publish the small `view` key."""
from __future__ import annotations

import logging

from dash import Input, Output, html, no_update

from analytics import DataError
from analytics.explore import views
from components import ids
from components.cards import kpi_row, skipped_alerts, upload_error

from .common import HIDDEN, SHOWN
from .context import request

log = logging.getLogger(__name__)
OUTPUTS = (ids.VIEW, ids.SKIPPED_ALERTS, ids.DASHBOARD_ERROR, ids.NAVBAR_DATASET, ids.DATASET_SUMMARY,
           ids.PERSONA_SECTION, ids.TRAJECTORY_SECTION)


def overview(store, dataset_id: str, personas: int) -> tuple:
    try:
        analysis = store.analysis(dataset_id, personas)
    except DataError as err:
        return (no_update,) * 2 + (upload_error(str(err)),) + (no_update,) * 4
    except KeyError:
        message = "That dataset is no longer on the server (its cache was cleared); please upload it again."
        return (no_update,) * 2 + (upload_error(message),) + (no_update,) * 4
    except Exception:  # never show a traceback to a teacher; the server log has it
        log.exception("analysis of %s with %s personas failed", dataset_id, personas)
        return (no_update,) * 2 + (upload_error("The analysis failed unexpectedly; the error was logged on the "
                                                "server."),) + (no_update,) * 4
    summary = [html.Div(analysis.filename, className="dataset-name"),
               html.Div(f"{analysis.rows:,} students · {len(analysis.mapping)} recognised columns",
                        className="dataset-meta")]
    view = {"dataset_id": dataset_id, "personas": personas}
    return (view, skipped_alerts(analysis.skipped), None, analysis.filename, summary,
            SHOWN if analysis.personas else HIDDEN, SHOWN if analysis.trajectories else HIDDEN)


def register(app, store) -> None:
    outputs = [Output(i, p) for i, p in zip(OUTPUTS, ["data", "children", "children", "children",
                                                      "children", "style", "style"])]

    @app.callback(*outputs, Input(ids.DATASET_ID, "data"), Input(ids.PERSONA_COUNT, "value"))
    def show_overview(dataset_id, personas):
        return overview(store, dataset_id, personas)

    @app.callback(Output(ids.KPI_ROW, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"))
    def show_kpis(view, filters):
        return kpi_content(store, view, filters)


def kpi_content(store, view: dict | None, filters: dict | None) -> list:
    """KPI tiles for the students in the current view."""
    req = request(store, view, filters=filters)
    return kpi_row(views.kpis(req.analysis, req.mask))
