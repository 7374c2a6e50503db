"""The outlier and risk jobs that background callbacks run (Dash's job process, or a Celery worker).

Each job computes its result into the store under the dataset's lock, within the time limit of
backend/limits.py, and returns a small reply for the dashboard's "jobs-ready" store:
{"dataset_id", "job", "ok", "error"}. A failure is one line for the panel (the traceback goes to the log)
and is remembered by the store, so the next page load shows it instead of starting the job again.
"""
from __future__ import annotations

import logging

from analytics.errors import DataError
from analytics.predict.risk import NoModel

from .limits import TimeLimit, job_seconds, limit_text, time_limit

log = logging.getLogger(__name__)
JOBS = ("outliers", "risk", "subjects", "stability")
TITLES = {"outliers": "Finding unusual profiles", "risk": "Learning the risk model",
          "subjects": "Learning the subject models", "stability": "Testing how stable the personas are"}


def reply(dataset_id: str, job: str, error: str | None = None, store=None) -> dict:
    """What a job writes to the jobs-ready store. `done` lists every job whose result is stored by now: two jobs
    that finish between two polls reach the page in one update, and only the last reply is seen, so a panel
    must learn from it that its own job finished too."""
    try:
        done = [j for j in JOBS if store is not None and store.has_result(j, dataset_id)]
    except KeyError:  # the dataset is gone: nothing of it is done
        done = []
    return {"dataset_id": dataset_id, "job": job, "ok": error is None, "error": error, "done": done}


def already_done(store, job: str, dataset_id: str) -> bool:
    """True when the job's result, or a recent failure, is in the store: the panels drew it already."""
    return store.has_result(job, dataset_id) or store.failure(job, dataset_id) is not None


def run(store, job: str, dataset_id: str, personas: int = 5, progress=None) -> dict:
    """Run `job` ("outliers", "risk", "subjects" or "stability") for a dataset unless its result, or a recent
    failure, is cached. The subjects job learns (or waits for) the outcome's model first."""
    failed = store.failure(job, dataset_id)
    if failed:
        return reply(dataset_id, job, failed, store)
    say = progress or (lambda _text: None)
    if store.busy(job, dataset_id):
        say(f"{TITLES[job]}: another request is already on it; waiting for its result…")
    seconds = job_seconds()
    try:
        with time_limit(seconds):
            if job == "outliers":
                say(f"{TITLES[job]} (DBSCAN on the themes)…")
                store.find_outliers(dataset_id, personas)
            elif job == "subjects":
                store.fit_subjects(dataset_id, say)
            elif job == "stability":
                store.measure_stability(dataset_id, personas, say)
            else:
                store.fit_risk(dataset_id, say)
    except NoModel:
        pass  # not a failure: the store keeps the reason and the risk panels show it
    except TimeLimit:
        message = (f"{TITLES[job]} took longer than the server's limit of {limit_text(seconds)} and was stopped; "
                   "an administrator can raise COHORT_ATLAS_JOB_SECONDS")
        log.warning("%s job for %s: %s", job, dataset_id, message)
        store.record_failure(job, dataset_id, message, limit=seconds)
        return reply(dataset_id, job, message, store)
    except DataError as err:
        return reply(dataset_id, job, str(err))  # the core's own error, which the upload already showed
    except KeyError:
        return reply(dataset_id, job, "that dataset is no longer on the server; please upload it again", store)
    except Exception:
        log.exception("%s job for %s failed", job, dataset_id)
        message = f"{TITLES[job]} failed unexpectedly; the error was logged on the server"
        store.record_failure(job, dataset_id, message)
        return reply(dataset_id, job, message, store)
    store.clear_failure(job, dataset_id)
    return reply(dataset_id, job, store=store)


def report(store, ask: dict, progress=None) -> dict:
    """The leadership report for one view (backend/report_job.py): {token, pdf, note, students, error}."""
    from .report_job import build_report

    return build_report(store, ask, progress or (lambda _text: None))
