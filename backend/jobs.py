"""Where background callbacks run, and where their map layouts are computed.

By default Dash's DiskcacheManager runs each background job in a new process (cache under the app's cache
dir), and the job asks the long-lived map worker (backend/map_worker.py) for the layout, because a new
process would pay numba's ~40 s compile of UMAP. With REDIS_URL set, jobs run in Celery workers instead:
those processes are long-lived already, so each warms UMAP up when it starts and computes in-process.
Run one with `celery -A wsgi.celery_app worker --concurrency 1`.

The outlier and risk-model jobs (backend/tasks.py, callbacks/jobs_panel.py) run on the same managers, in the
job process or the Celery worker itself: they need no compile, only their dataset's lock.
"""
from __future__ import annotations

import logging
import os
import threading

from backend import map_worker

log = logging.getLogger(__name__)
_celery = None
_celery_lock = threading.Lock()
_warmed: dict[str, float] = {}


def use_celery() -> bool:
    return bool(os.environ.get("REDIS_URL"))


def celery_app():
    """The Celery app for REDIS_URL (made once), or None without it. Imported only on that path."""
    global _celery
    if not use_celery():
        return None
    with _celery_lock:
        if _celery is None:
            from celery import Celery, signals

            url = os.environ["REDIS_URL"]
            _celery = Celery("cohort_atlas", broker=url, backend=url)
            # worker_init runs in the worker's main process before its pool starts: prefork children (also
            # the ones that replace a child Dash's cancel terminated) are forked from it with UMAP compiled,
            # and a solo pool runs jobs in it directly. Logging is only set up by worker_ready.
            signals.worker_init.connect(_warm_celery_worker, weak=False)
            signals.worker_ready.connect(_report_warm_up, weak=False)
    return _celery


def _warm_celery_worker(**_kwargs) -> None:
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    # Before numba is imported: numba's default OpenMP layer kills a forked child that uses it ("fork() called
    # from a process already using GNU OpenMP"); the workqueue layer survives the fork, compiled code and all.
    os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
    from analytics.models.projection import warm_up

    _warmed["seconds"] = warm_up()


def _report_warm_up(**_kwargs) -> None:
    log.info("warmed up UMAP for this Celery worker in %.1f s", _warmed.get("seconds", float("nan")))


def background_manager(cache_dir: str):
    if use_celery():
        from dash import CeleryManager

        return CeleryManager(celery_app())
    from . import lifeline
    from .cache import ForkSafeCache

    lifeline.install()  # a job process stuck past its server's life does not outlive it

    # A cache of its own: job results and progress must not share the dataset store's size-limited eviction.
    # Fork-safe: the job processes that write into it are forked while server threads read it.
    return diskcache_manager(ForkSafeCache(os.path.join(cache_dir, "jobs")))


def diskcache_manager(cache):
    """Dash's DiskcacheManager, except that stopping a job which ended meanwhile is not an error. A job started
    again (a new upload while the last one's jobs run) stops the old one first; Dash checks that its process
    exists, then lists its children, and a process that exits in between answered the new job with a 500."""
    import psutil
    from dash import DiskcacheManager

    class Manager(DiskcacheManager):
        def terminate_job(self, job):
            try:
                super().terminate_job(job)
            except psutil.NoSuchProcess:  # it ended on its own: nothing is left to stop
                log.info("background job %s ended before it was stopped", job)

    return Manager(cache)


def project_dataset(store, dataset_id: str, personas: int, progress=None) -> dict:
    """Lay out a dataset's map where this deployment computes maps; returns the worker's reply dict."""
    if use_celery() or not map_worker.enabled():
        return map_worker.run_job(store, dataset_id, personas, progress)
    try:
        return map_worker.request(store.directory, dataset_id, personas, progress)
    except map_worker.Unavailable:
        # The supervisor restarts a dead worker within seconds; if none came, compute here (slow: the compile).
        log.warning("no map worker answered for %s; laying out the map in the job process", store.directory)
        if progress:
            progress(0, 0, "warm-up")
        return map_worker.run_job(store, dataset_id, personas, progress)
