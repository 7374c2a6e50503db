"""The dataset store with several users: per-dataset locks, one analysis per upload however many processes
ask, and outliers that arrive from their job into the analysis the dashboard reads."""
import json
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from conftest import KAGGLE, ROOT

from backend.store import DatasetStore, NotReady

UCI = "uci_student_mat.csv"


def test_a_slow_analysis_does_not_hold_up_another_dataset(cache_dir, kaggle_bytes, data_dir):
    store = DatasetStore(cache_dir)
    slow = store.add(kaggle_bytes, KAGGLE)
    other = store.add((data_dir / UCI).read_bytes(), UCI)
    done = {}
    waiter = threading.Thread(target=lambda: done.setdefault("slow", store.analysis(slow, 5)))
    with store.analysis_lock(slow, 5):  # as if another worker were in the middle of analysing it
        waiter.start()
        assert store.analysis(other, 5).rows == 395  # answered while the slow dataset is still held
        waiter.join(1.0)
        assert waiter.is_alive() and "slow" not in done  # the same dataset waits for the holder
    waiter.join(120)
    assert done["slow"].rows == 6607


CHILD = """
import json, os, sys, time
sys.path.insert(0, {root!r})
from backend.store import DatasetStore
store = DatasetStore({cache!r})
while not os.path.exists({go!r}):  # start together, so both ask before either has finished
    time.sleep(0.01)
print(json.dumps(store.analysis({dataset!r}, 5).timings))
"""


def test_the_same_upload_asked_by_two_processes_is_analysed_once(cache_dir, kaggle_bytes, tmp_path):
    dataset = DatasetStore(cache_dir).add(kaggle_bytes, KAGGLE)
    go = tmp_path / "go"
    script = CHILD.format(root=str(ROOT), cache=cache_dir, go=str(go), dataset=dataset)
    children = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    time.sleep(3)  # both import pandas and scikit-learn before the start signal
    go.touch()
    outputs = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err for _, err in outputs]
    first, second = (json.loads(out) for out, _ in outputs)
    # two analyses would each time their own steps; one analysis read twice has the same timings
    assert first == second and first["personas"] > 0


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, kaggle_bytes):
    store = DatasetStore(str(tmp_path_factory.mktemp("fresh")), max_bytes=50 * 2**20)
    return store, store.add(kaggle_bytes, KAGGLE)


def test_the_first_view_comes_without_outliers_and_says_they_are_coming(fresh):
    store, dataset = fresh
    first = store.analysis(dataset, 5)
    assert first.personas and first.trajectories and first.outliers is None and "Outlier" not in first.students
    assert "outliers" not in first.skipped
    with pytest.raises(NotReady):
        store.outliers(dataset, 5)


def test_outliers_merged_after_the_job_equal_those_of_analyse(fresh, kaggle):
    store, dataset = fresh
    store.find_outliers(dataset, 5)
    merged = store.analysis(dataset, 5)
    assert merged.outliers.to_dict() == kaggle.outliers.to_dict() and merged.outliers.count > 0
    pd.testing.assert_frame_equal(merged.students, kaggle.students)
    assert store.outliers(dataset, 5).count == kaggle.outliers.count
    # per dataset: another persona count, and another process on the same cache, find them too
    assert store.analysis(dataset, 3).outliers.to_dict() == kaggle.outliers.to_dict()
    assert DatasetStore(store.directory).analysis(dataset, 5).outliers.count == kaggle.outliers.count


def test_a_file_without_personas_has_no_outliers_to_wait_for(cache_dir, kaggle_path):
    store = DatasetStore(cache_dir)
    frame = pd.read_csv(kaggle_path).head(300)[["Previous_Scores", "Exam_Score"]]
    dataset = store.add(frame.to_csv(index=False).encode(), "scores-only.csv")
    assert store.outliers(dataset, 5) is None and "personas" in store.analysis(dataset, 5).skipped


def test_a_job_forked_while_a_dataset_is_locked_does_not_keep_it_locked(cache_dir):
    import os
    import signal

    from backend.locks import dataset_lock, is_locked

    with dataset_lock(cache_dir, "analysis", "some-dataset"):
        child = os.fork()  # as Dash forks a job process while another request analyses a dataset
        if child == 0:
            time.sleep(30)
            os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while is_locked(cache_dir, "analysis", "some-dataset") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not is_locked(cache_dir, "analysis", "some-dataset")
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
