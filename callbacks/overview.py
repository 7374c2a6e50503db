"""Dataset or persona count changes: run (or fetch) the analysis once, then publish the small `view` key and
start the background jobs (outliers, risk, subjects) whose results are not stored yet. The map's job starts in
its own tab (callbacks/map.py), when the map is shown."""
from __future__ import annotations

import logging

from dash import ALL, Input, Output, html, no_update

from analytics import DataError
from analytics.explore import views
from analytics.models.themes import MIN_THEMES
from backend import tasks
from components import ids
from components.cards import kpi_row, skipped_alerts, upload_error

from .common import HIDDEN, SHOWN, in_place, only_for
from .context import request

log = logging.getLogger(__name__)
SHELL_JOBS = tuple(job for job in ids.JOB_START if job != "map")  # the map's start store is in its tab
OUTPUTS = (ids.VIEW, ids.SKIPPED_ALERTS, ids.DASHBOARD_ERROR, ids.NAVBAR_DATASET, ids.DATASET_SUMMARY,
           *(ids.JOB_START[job] for job in SHELL_JOBS))
KEEP = (no_update,) * len(OUTPUTS)


def job_starts(store, analysis, view: dict) -> tuple:
    """What starts each background job with this view: the view for a job whose result is not stored yet, so
    a panel may show it as being computed and must hear when it is there; no_update (no job process) for a
    job whose result every panel of this view will find."""
    dataset_id = view["dataset_id"]
    to_do = {"map": len(analysis.themes) >= MIN_THEMES and not store.has_projection(dataset_id),
             **{job: not tasks.already_done(store, job, dataset_id) for job in tasks.JOBS}}
    to_do["stability"] = to_do["stability"] and bool(analysis.personas)  # nothing to measure without personas
    return tuple(dict(view) if to_do[job] else no_update for job in ids.JOB_START)


def overview(store, dataset_id: str, personas: int) -> tuple:
    try:
        analysis = store.analysis(dataset_id, personas)
    except DataError as err:
        return KEEP[:2] + (upload_error(str(err)),) + KEEP[3:]
    except KeyError:
        message = "That dataset is no longer on the server (its cache was cleared); please upload it again."
        return KEEP[:2] + (upload_error(message),) + KEEP[3:]
    except Exception:  # never show a traceback to a teacher; the server log has it
        log.exception("analysis of %s with %s personas failed", dataset_id, personas)
        return KEEP[:2] + (upload_error("The analysis failed unexpectedly; the error was logged on the server."),) \
            + KEEP[3:]
    summary = [html.Div(analysis.filename, className="dataset-name"),
               html.Div(f"{analysis.rows:,} students · {len(analysis.mapping)} recognised columns",
                        className="dataset-meta")]
    view = {"dataset_id": dataset_id, "personas": personas}
    starts = dict(zip(ids.JOB_START, job_starts(store, analysis, view)))
    return (view, skipped_alerts(analysis.skipped), None, analysis.filename, summary,
            *(starts[job] for job in SHELL_JOBS))


def section_styles(store, view: dict | None) -> tuple[dict, dict]:
    """(personas, trajectories) section styles: a model the file cannot support leaves no empty section."""
    analysis = request(store, view).analysis
    return SHOWN if analysis.personas else HIDDEN, SHOWN if analysis.trajectories else HIDDEN


def register(app, store) -> None:
    props = ["data", "children", "children", "children", "children"] + ["data"] * len(SHELL_JOBS)
    outputs = [Output(i, p) for i, p in zip(OUTPUTS, props)]

    @app.callback(*outputs, Input(ids.DATASET_ID, "data"), Input(ids.PERSONA_COUNT, "value"))
    def show_overview(dataset_id, personas):
        return overview(store, dataset_id, personas)

    @app.callback(Output(ids.PERSONA_SECTION, "style"), Output(ids.TRAJECTORY_SECTION, "style"),
                  Input(ids.VIEW, "data"))
    def show_sections(view):
        return section_styles(store, view)

    @app.callback(Output(ids.KPI_ROW, "children"), Output({"type": ids.KPI_PART, "part": ALL}, "children"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  Input(ids.JOBS_READY, "data"))  # the outlier tile appears once the outlier job has run
    def show_kpis(view, filters, jobs):
        only_for("outliers", jobs)
        return in_place(kpi_content(store, view, filters), ids.KPI_PART)


def kpi_content(store, view: dict | None, filters: dict | None) -> list:
    """KPI tiles for the students in the current view."""
    req = request(store, view, filters=filters)
    return kpi_row(views.kpis(req.analysis, req.mask))
