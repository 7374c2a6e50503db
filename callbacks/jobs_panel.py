"""Background jobs that fill in what the first view does not wait for: outliers, the risk model, how stable the
personas are and, for a file with subjects, each subject's model.

One background callback per job, on Dash's background-callback manager (backend/jobs.py: a job process per
run, or a Celery worker). The overview callback starts a job only when the view it publishes lacks the job's
result (ids.JOB_START), so a view whose results are stored starts no process and redraws nothing. A started job
shows its progress bar (above every tab) with what it is doing (written when the step changes, not on a clock) and
always writes its reply to the jobs-ready store, which every panel that needs outliers or the risk model
listens to: those panels may have drawn "being computed", even when the result turns out to have been stored
meanwhile by another request.
"""
from __future__ import annotations

from dash import Input, Output
from dash.exceptions import PreventUpdate

from backend import tasks
from components import ids

from .common import HIDDEN, SHOWN


def reporter(report, filename: str):
    """`say(text)` for a job: shows the step on the panel's progress bar once per step, never the same twice."""
    said = []

    def say(text: str) -> None:
        if not said or said[-1] != text:
            said.append(text)
            report([SHOWN, f"{filename}: {text}"])

    return say


def run_job(store, job: str, view: dict | None, report=None) -> dict:
    """What a job callback returns for the jobs-ready store; `report([style, label])` shows its progress."""
    if not view or not store.has(view.get("dataset_id")):  # unknown, or not the caller's: nothing runs
        raise PreventUpdate
    dataset_id = view["dataset_id"]
    say = reporter(report, store.filename(dataset_id)) if report else None
    return tasks.run(store, job, dataset_id, view.get("personas", 5), say)


def register(app, store) -> None:
    def background(job: str):
        bar, box = ids.JOB_PROGRESS[job]
        return app.callback(Output(ids.JOBS_READY, "data", allow_duplicate=True), Input(ids.JOB_START[job], "data"),
                            background=True, interval=1000, prevent_initial_call=True,
                            progress=[Output(box, "style"), Output(bar, "label")],
                            progress_default=[HIDDEN, ""])

    @background("outliers")
    def find_outliers(set_progress, view):
        return run_job(store, "outliers", view, set_progress)

    @background("risk")
    def fit_risk(set_progress, view):
        return run_job(store, "risk", view, set_progress)

    @background("subjects")  # a file without subjects never starts it (see overview.job_starts)
    def fit_subjects(set_progress, view):
        return run_job(store, "subjects", view, set_progress)

    @background("stability")  # nor does a file without personas
    def measure_stability(set_progress, view):
        return run_job(store, "stability", view, set_progress)
