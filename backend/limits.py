"""The time limit of a background job (outliers, the risk model): COHORT_ATLAS_JOB_SECONDS, default 900.

The limit is a SIGALRM timer, so it interrupts the job's Python code wherever it is (between boosting
rounds, between DBSCAN steps) without a second process. Signals reach only a process's main thread, which
is where Dash's job processes and Celery's worker children run a job; called from another thread the job
runs without a limit rather than not at all.
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

DEFAULT_JOB_SECONDS = 900.0
ENV = "COHORT_ATLAS_JOB_SECONDS"


class TimeLimit(Exception):
    """The job ran past its time limit and was stopped."""


def job_seconds() -> float:
    try:
        seconds = float(os.environ.get(ENV, DEFAULT_JOB_SECONDS))
    except ValueError:
        return DEFAULT_JOB_SECONDS
    return seconds if seconds > 0 else DEFAULT_JOB_SECONDS


def limit_text(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} s"


@contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit inside the block once it has run for `seconds`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise TimeLimit(f"ran past {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
