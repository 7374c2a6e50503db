"""Background jobs that fill in what the first view does not wait for: outliers and the risk model.

One background callback per job, on Dash's background-callback manager (backend/jobs.py: a job process per
run, or a Celery worker). Each starts when the view changes and ends at once, without an update, when the store
has the result (the panels drew it already); otherwise it shows its panel's progress bar with what it is doing
and for how long, and writes its reply to the jobs-ready store, which every panel that needs outliers or the risk model listens to.
"""
from __future__ import annotations

import threading
import time

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from backend import tasks
from components import ids

from .common import HIDDEN, SHOWN

TICK_SECONDS = 1.0


class Ticker:
    """Re-sends the job's current step with the seconds it has run, so a long fit visibly moves."""

    def __init__(self, report):
        self.report, self.text, self.start = report, None, time.monotonic()
        self.stop = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def say(self, text: str) -> None:
        self.text = text
        self.send()

    def send(self) -> None:
        if self.text:
            self.report([SHOWN, f"{self.text} {time.monotonic() - self.start:.0f} s"])

    def run(self) -> None:
        while not self.stop.wait(TICK_SECONDS):
            self.send()


def run_job(store, job: str, view: dict | None, report=None) -> dict:
    """What a job callback returns for the jobs-ready store; `report([style, label])` shows its progress."""
    if not view or tasks.already_done(store, job, view["dataset_id"]):
        raise PreventUpdate  # the panels found the result when they drew this view: nothing to redraw
    ticker = Ticker(report) if report else None
    try:
        return tasks.run(store, job, view["dataset_id"], view.get("personas", 5), ticker.say if ticker else None)
    finally:
        if ticker:
            ticker.stop.set()


def register(app, store) -> None:
    def background(job: str):
        bar, box = ids.JOB_PROGRESS[job]
        # State(box) keeps the two callbacks' ids apart: both write jobs-ready on the same input
        return app.callback(Output(ids.JOBS_READY, "data", allow_duplicate=True), Input(ids.VIEW, "data"),
                            State(box, "id"), background=True, interval=1000, prevent_initial_call=True,
                            progress=[Output(box, "style"), Output(bar, "label")],
                            progress_default=[HIDDEN, ""])

    @background("outliers")
    def find_outliers(set_progress, view, _box):
        return run_job(store, "outliers", view, set_progress)

    @background("risk")
    def fit_risk(set_progress, view, _box):
        return run_job(store, "risk", view, set_progress)
