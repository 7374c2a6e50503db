"""Dataset or persona count changes: run (or fetch) the analysis once, then publish the small `view` key."""
from __future__ import annotations

import logging

from dash import Input, Output, html, no_update

from analytics import DataError
from analytics.explore import views
from components.cards import kpi_row, skipped_alerts, upload_error

from .common import HIDDEN, SHOWN, keep, load

log = logging.getLogger(__name__)
OUTPUTS = ("view", "skipped-alerts", "dashboard-error", "navbar-dataset", "dataset-summary",
           "persona-section", "trajectory-section")


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

    @app.callback(*outputs, Input("dataset-id", "data"), Input("persona-count", "value"))
    def show_overview(dataset_id, personas):
        return overview(store, dataset_id, personas)

    @app.callback(Output("kpi-row", "children"), Input("view", "data"), Input("filters", "data"))
    def show_kpis(view, filters):
        return kpi_content(store, view, filters)


def kpi_content(store, view: dict | None, filters: dict | None) -> list:
    """KPI tiles for the students in the current view."""
    analysis = load(store, view)
    return kpi_row(views.kpis(analysis, keep(store, analysis, filters)))
