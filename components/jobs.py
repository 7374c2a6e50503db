"""The progress bars of the background jobs (outliers, the risk model, the subjects' models, the personas'
stability, the map)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from . import ids
from .map import map_progress
from .report_panel import report_progress
from .terms import terms_progress

HIDDEN = {"display": "none"}
# what a screen reader says each bar is for
NAMES = {"outliers": "Finding unusual profiles", "risk": "Learning the risk model",
         "subjects": "Learning the subject models", "stability": "Testing how stable the personas are"}


def job_progress(job: str) -> html.Div:
    """Hidden until the job reports that it is computing; the label says what it is doing."""
    bar, box = ids.JOB_PROGRESS[job]
    # The job's progress toggles the outer style; Bootstrap's d-flex is !important, so it sits inside.
    return html.Div(html.Div(
        dbc.Progress(id=bar, value=100, striped=True, animated=True, className="flex-grow-1 job-progress",
                     style={"height": "1.25rem"}),
        className="d-flex align-items-center mb-3"), id=box, style=HIDDEN,
        **{"data-control-label": NAMES.get(job, "Background job")})


def jobs_strip() -> html.Div:
    """Every job's progress bar (hidden while none runs), above every tab: a job started on one tab goes on, and
    says what it is doing, when a person opens another."""
    return html.Div([job_progress("outliers"), job_progress("risk"), job_progress("subjects"),
                     job_progress("stability"), map_progress(), terms_progress(), report_progress()],
                    className="jobs-strip")
