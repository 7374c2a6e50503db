"""The student map's layout (analytics/models/projection.py) and the long-lived map worker (backend/map_worker.py).

UMAP compiles for ~30-50 s in every new process, so every test that runs UMAP goes through the session's ONE
map worker (conftest's `map_worker_dir`, also used by the browser tests' server): the test process itself
never imports umap. Its warm-up starts at collection and overlaps the other test modules. Those tests are named
test_worker_* (slow: the first one waits for whatever is left of the warm-up; deselect with -k "not worker").
"""
import os
import signal
import subprocess
import sys
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client

import numpy as np
import pandas as pd
import pytest

from analytics.models.projection import Projection, project
from analytics.models.themes import theme_matrix
from backend import map_worker
from backend.store import DatasetStore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARM_UP_LIMIT = 240  # seconds; generous because two shared cores may be busy with other work
pytestmark = pytest.mark.warm_map  # the test_worker_* tests wait for the warm-up: run this file last


@pytest.fixture(scope="session")
def worker(map_worker_dir):
    return map_worker_dir


@pytest.fixture(scope="session")
def worker_store(worker, kaggle_path):
    """A store on the worker's cache dir holding the first 400 Kaggle rows (analysed here, not in the worker)."""
    store = DatasetStore(worker, max_bytes=50 * 2**20)
    data = pd.read_csv(kaggle_path).head(400).to_csv(index=False).encode()
    dataset_id = store.add(data, "kaggle-400.csv")
    store.analysis(dataset_id, 5)
    return store, dataset_id


def blobs(n: int, seed: int = 0) -> np.ndarray:
    """Three separated groups in 8 standardised columns, like theme scores."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3, size=(3, 8))
    return (centres[rng.integers(0, 3, n)] + rng.normal(size=(n, 8))).astype(np.float32)


def layout(worker_dir, z, **options):
    steps = []
    reply = map_worker.layout(worker_dir, z, progress=lambda *step: steps.append(step), wait=10, **options)
    assert reply["ok"], reply
    return reply, steps


# --- without UMAP ------------------------------------------------------------------------------------------

def test_theme_matrix_is_the_z_columns(kaggle):
    z = theme_matrix(kaggle)
    assert z.shape == (6607, 8) and z.dtype == np.float32
    assert z[0, 0] == pytest.approx(kaggle.students["z_" + kaggle.themes[0]].iloc[0], abs=1e-4)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_tiny_cohorts_need_no_umap(n):
    steps = []
    result = project(np.zeros((n, 8), np.float32), progress=lambda *step: steps.append(step))
    assert result.xy.shape == (n, 2) and result.xy.dtype == np.float32 and not result.sampled
    assert steps[-1][:2] == (n, n)


def test_store_keeps_a_projection_per_dataset(cache_dir):
    store = DatasetStore(cache_dir)
    assert store.projection("abc") is None
    saved = Projection(np.zeros((3, 2), np.float32), False, 3, 0.1, "note")
    store.set_projection("abc", saved)
    again = store.projection("abc")
    assert again.rows == 3 and again.note == "note" and store.projection("other") is None


def test_a_client_without_a_worker_is_told_so(cache_dir):
    assert not map_worker.running(cache_dir) and map_worker.ping(cache_dir) is None
    with pytest.raises(map_worker.Unavailable):
        map_worker.request(cache_dir, "abc", wait=0)


# --- through the session's worker (slow: the first one waits for the warm-up) -----------------------------

def test_worker_warms_up_once_and_keeps_one_process(worker):
    deadline = time.time() + WARM_UP_LIMIT
    while not (reply := map_worker.ping(worker))["warm"]:
        assert time.time() < deadline, "the map worker did not finish its warm-up"
        time.sleep(1)
    assert reply["warm_seconds"] > 0
    first, _ = layout(worker, blobs(300))
    second, _ = layout(worker, blobs(300, seed=1))
    assert first["pid"] == second["pid"] == reply["pid"] != os.getpid()
    assert "umap" not in sys.modules  # the test process never paid the compile


def test_worker_layout_is_deterministic_with_the_right_shape(worker):
    z = blobs(400)
    a, steps = layout(worker, z, seed=0)
    b, _ = layout(worker, z, seed=0)
    c, _ = layout(worker, z, seed=1)
    xy = a["projection"].xy
    assert xy.shape == (400, 2) and xy.dtype == np.float32 and np.isfinite(xy).all()
    assert np.array_equal(xy, b["projection"].xy)
    assert not np.array_equal(xy, c["projection"].xy)
    assert not a["projection"].sampled and a["projection"].sample_size == 400
    assert steps[0] == (0, 400, "fit") and steps[-1][:2] == (400, 400)


def test_worker_sampled_path_reports_increasing_progress(worker):
    z = blobs(900, seed=2)
    reply, steps = layout(worker, z, sample_above=600, sample_size=250)
    result = reply["projection"]
    assert result.sampled and result.sample_size == 250 and result.xy.shape == (900, 2)
    assert "random 250 of 900 students" in result.note and np.isfinite(result.xy).all()
    done = [d for d, _, _ in steps]
    assert done == sorted(done) and len(set(done)) == len(done) and done[-1] == 900
    assert {s for _, _, s in steps} == {"fit", "transform"} and all(t == 900 for _, t, _ in steps)
    again, _ = layout(worker, z, sample_above=600, sample_size=250)
    assert np.array_equal(result.xy, again["projection"].xy)


def test_worker_job_caches_the_map_in_the_store(worker, worker_store):
    store, dataset_id = worker_store
    steps = []
    reply = map_worker.request(worker, dataset_id, 5, lambda *step: steps.append(step))
    assert reply["ok"] and reply["rows"] == 400 and not reply["cached"] and reply["pid"] == map_worker.ping(worker)["pid"]
    assert steps and steps[-1][:2] == (400, 400)
    cached = store.projection(dataset_id)
    assert cached.xy.shape == (400, 2) and "all 400 students" in cached.note
    assert map_worker.request(worker, dataset_id, 5)["cached"]


def test_worker_reports_a_lost_dataset_and_survives_a_client_that_hangs_up(worker, worker_store):
    reply = map_worker.request(worker, "not-a-dataset", 5)
    assert not reply["ok"] and "upload it again" in reply["error"]
    conn = map_worker.connect(worker)
    conn.send({"op": "layout", "z": blobs(500, seed=3)})
    conn.close()  # as Dash's cancel does when it kills the job process
    assert layout(worker, blobs(300))[0]["ok"]


def test_worker_refuses_a_wrong_key_and_a_second_copy(worker):
    with pytest.raises((AuthenticationError, EOFError, OSError)):
        Client(os.path.join(worker, map_worker.SOCKET), "AF_UNIX", authkey=b"not the key")
    second = subprocess.run([sys.executable, "-m", "backend.map_worker", "--cache", worker], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "already serves" in second.stderr
    assert map_worker.ping(worker)["ok"]


# --- a worker of its own, killed ---------------------------------------------------------------------------

def test_worker_killed_is_replaced_and_the_next_map_succeeds(tmp_path, kaggle_path, monkeypatch):
    # Its own supervisor and cache: the session's worker is shared by other test processes. Its workers skip
    # the UMAP warm-up (tests/no_warm_up): they only serve the map cached here.
    monkeypatch.setenv("PYTHONPATH", os.path.join(ROOT, "tests", "no_warm_up"))
    directory = str(tmp_path / "cache")
    store = DatasetStore(directory, max_bytes=50 * 2**20)
    dataset_id = store.add(pd.read_csv(kaggle_path).tail(200).to_csv(index=False).encode(), "kaggle-last-200.csv")
    store.analysis(dataset_id, 5)
    store.set_projection(dataset_id, Projection(np.zeros((200, 2), np.float32), False, 200, 0.1, "cached"))
    supervisor = map_worker.Supervisor(directory, interval=0.5).start()
    try:
        first = map_worker.ping(directory, wait=60)
        assert first and first["ok"], "the supervisor did not start a map worker"
        os.kill(first["pid"], signal.SIGKILL)  # as the kernel's OOM killer would
        deadline = time.time() + 60
        while (reply := map_worker.ping(directory)) is None or reply["pid"] == first["pid"]:
            assert time.time() < deadline, "the supervisor did not start a new map worker"
            time.sleep(0.3)
        assert supervisor.process.pid == reply["pid"] and map_worker.running(directory)
        answer = map_worker.request(directory, dataset_id, 5)
        assert answer["ok"] and answer["pid"] == reply["pid"] and answer["rows"] == 200 and answer["cached"]
    finally:
        supervisor.stop()
