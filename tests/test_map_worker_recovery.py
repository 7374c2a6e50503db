"""When no map worker answers, the map job lays the map out in its own process and says so. Laying out is
replaced by a stand-in here (random points), so this module never pays the UMAP compile; the worker's respawn
is tested with the real worker at the end of test_projection.py."""
import functools
import logging
import os

import numpy as np
import pandas as pd
import pytest

from analytics.models.projection import Projection
from backend import map_worker
from backend.map_worker import job as map_job_module
from backend.store import DatasetStore
from callbacks import map as map_callbacks


class StandInLayout:
    """Replaces UMAP in the job: remembers which process laid out how many students."""

    def __init__(self):
        self.calls = []

    def __call__(self, z, seed=0, progress=None, **_options):
        self.calls.append((os.getpid(), len(z)))
        if progress:
            progress(len(z), len(z), "fit")
        xy = np.random.default_rng(seed).normal(size=(len(z), 2)).astype(np.float32)
        return Projection(xy, False, len(z), 0.01, f"Laid out all {len(z):,} students.")


@pytest.fixture
def no_worker(tmp_path, kaggle_path, monkeypatch):
    """A store whose cache directory no map worker serves, holding a 300-student file; clients give up at
    once instead of waiting 15 s for a worker to (re)start."""
    monkeypatch.setenv("COHORT_ATLAS_MAP_WORKER", "1")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(map_worker, "request", functools.partial(map_worker.request, wait=0.3))
    stand_in = StandInLayout()
    monkeypatch.setattr(map_job_module, "project", stand_in)
    store = DatasetStore(str(tmp_path / "cache"), max_bytes=50 * 2**20)
    data = pd.read_csv(kaggle_path).head(300).to_csv(index=False).encode()
    return store, store.add(data, "kaggle-300.csv"), stand_in


def test_without_a_worker_the_job_lays_out_the_map_itself_and_says_so(no_worker, caplog):
    store, dataset_id, stand_in = no_worker
    assert not map_worker.running(store.directory)
    reports = []
    with caplog.at_level(logging.WARNING, logger="backend.jobs"):
        result = map_callbacks.map_job(store, {"dataset_id": dataset_id, "personas": 5}, reports.append)
    assert result == {"dataset_id": dataset_id, "ok": True, "error": None}
    assert stand_in.calls == [(os.getpid(), 300)]  # in this (the job's) process
    assert store.projection(dataset_id).xy.shape == (300, 2)
    assert any("no map worker answered" in r.getMessage() and "in the job process" in r.getMessage()
               for r in caplog.records)
    # the progress bar tells the user why this map takes longer: the engine is being prepared here
    assert reports[0] == (100, map_callbacks.STAGES["warm-up"]) and reports[-1][0] == 100


def test_the_fallback_result_says_it_came_from_this_process(no_worker):
    from backend import jobs

    store, dataset_id, _ = no_worker
    steps = []
    reply = jobs.project_dataset(store, dataset_id, 5, lambda *step: steps.append(step))
    assert reply["ok"] and reply["pid"] == os.getpid() and not reply["cached"] and reply["rows"] == 300
    assert steps[0] == (0, 0, "warm-up")
    again = jobs.project_dataset(store, dataset_id, 5)
    assert again["ok"] and again["cached"]


def test_a_failed_fallback_reaches_the_page_as_one_line(no_worker, monkeypatch):
    store, dataset_id, _ = no_worker

    def broken(*_args, **_kwargs):
        raise MemoryError("no room for the layout")

    monkeypatch.setattr(map_job_module, "project", broken)
    result = map_callbacks.map_job(store, {"dataset_id": dataset_id, "personas": 5})
    assert result["ok"] is False and result["error"] == ("The map failed unexpectedly; the error was logged on "
                                                         "the server.")
    assert store.projection(dataset_id) is None
