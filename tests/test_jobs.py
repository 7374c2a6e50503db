"""The background jobs behind the first view: the risk model and the outliers are computed by jobs, never on
a request; a job that runs past its time limit or breaks says so in one line."""
import pytest
from conftest import KAGGLE
from dash.exceptions import PreventUpdate

from analytics.predict.risk import NoModel
from backend import tasks
from backend.store import JobFailed, NotReady
from callbacks import jobs_panel

LIMIT = "COHORT_ATLAS_JOB_SECONDS"


def test_risk_is_not_ready_before_its_job_and_is_the_model_after(kaggle_first_view):
    store, dataset = kaggle_first_view
    with pytest.raises(NotReady):
        store.risk(dataset)
    with pytest.raises(NotReady):
        store.whatif(dataset)
    replied = tasks.run(store, "risk", dataset)
    assert replied == {"dataset_id": dataset, "job": "risk", "ok": True, "error": None, "done": replied["done"]}
    # two jobs finishing between two polls reach the page as one update: the last reply says what else is done
    assert "risk" in replied["done"] and "outliers" not in replied["done"]
    assert "risk" in tasks.run(store, "outliers", dataset)["done"]
    model = store.risk(dataset)
    assert model.cv.rows == 6607 and model.exam_column == "Exam_Score"
    assert store.whatif(dataset).risk is model
    assert (dataset, KAGGLE, 6607) in [(s.dataset_id, s.filename, s.rows) for s in store.models()]


def test_the_job_panel_shows_each_step_once_and_always_replies(kaggle_first_view):
    store, dataset = kaggle_first_view
    view = {"dataset_id": dataset, "personas": 5}
    reports = []
    assert jobs_panel.run_job(store, "risk", view, reports.append)["ok"]
    assert len(reports) == 1  # one step, one write: no clock re-sending it every second
    style, label = reports[0]
    assert style == {} and label.startswith(f"{KAGGLE}: Learning the risk model from 6,607 students")
    # Started for a view that lacked the model, a job that finds it stored meanwhile still tells the panels
    # that drew "being computed", without a progress bar.
    again = []
    assert jobs_panel.run_job(store, "risk", view, again.append) == tasks.reply(dataset, "risk", store=store)
    assert again == []
    with pytest.raises(PreventUpdate):
        jobs_panel.run_job(store, "risk", None)


def test_a_view_starts_only_the_jobs_whose_results_are_missing(kaggle_first_view):
    from dash import no_update

    from callbacks import overview
    from components import ids

    store, dataset = kaggle_first_view
    from callbacks.map import map_start

    out = dict(zip(overview.OUTPUTS, overview.overview(store, dataset, 5)))
    view = out[ids.VIEW]
    assert [out[ids.JOB_START[job]] for job in ("outliers", "risk")] == [view] * 2
    assert ids.JOB_START["map"] not in out  # the map's job starts when its tab opens
    assert map_start(store, view) == view
    store.run_jobs(dataset)
    out = dict(zip(overview.OUTPUTS, overview.overview(store, dataset, 5)))
    assert out[ids.JOB_START["outliers"]] is no_update and out[ids.JOB_START["risk"]] is no_update
    assert map_start(store, view) == view  # no layout cached yet


def test_a_job_past_its_time_limit_says_so_and_runs_again_once_the_limit_is_raised(kaggle_first_view, monkeypatch):
    store, dataset = kaggle_first_view
    monkeypatch.setenv(LIMIT, "0.01")
    reply = tasks.run(store, "risk", dataset)
    assert not reply["ok"] and reply["error"].startswith("Learning the risk model took longer than the server's "
                                                         "limit of 0.01 s and was stopped")
    assert LIMIT in reply["error"] and "\n" not in reply["error"]
    with pytest.raises(JobFailed, match="took longer than"):
        store.risk(dataset)  # the risk panels say why there is no model
    assert tasks.run(store, "risk", dataset) == reply  # page loads show the failure, not a new fit
    monkeypatch.setenv(LIMIT, "600")
    with pytest.raises(NotReady):
        store.risk(dataset)
    assert tasks.run(store, "risk", dataset)["ok"] and store.risk(dataset).cv.rows == 6607


def test_outliers_past_their_time_limit_are_explained_in_the_analysis(kaggle_first_view, monkeypatch):
    store, dataset = kaggle_first_view
    monkeypatch.setenv(LIMIT, "0.001")
    reply = tasks.run(store, "outliers", dataset)
    assert reply["error"].startswith("Finding unusual profiles took longer than")
    analysis = store.analysis(dataset, 5)
    assert analysis.skipped["outliers"] == reply["error"] and store.outliers(dataset, 5) is None
    monkeypatch.setenv(LIMIT, "600")
    assert tasks.run(store, "outliers", dataset)["ok"] and store.outliers(dataset, 5).count > 0
    assert "outliers" not in store.analysis(dataset, 5).skipped


def test_a_job_on_a_lost_dataset_fails_in_one_line(kaggle_first_view):
    store, _ = kaggle_first_view
    for job in tasks.JOBS:
        reply = tasks.run(store, job, "0" * 24)
        assert reply["ok"] is False and reply["error"] == ("that dataset is no longer on the server; please "
                                                           "upload it again")


def test_a_file_that_cannot_train_a_model_finishes_its_job_with_the_reason(kaggle_first_view, kaggle_path):
    import pandas as pd

    store, _ = kaggle_first_view
    frame = pd.read_csv(kaggle_path).head(300).drop(columns=["Exam_Score"])
    dataset = store.add(frame.to_csv(index=False).encode(), "no-scores.csv")
    assert tasks.run(store, "risk", dataset)["ok"]
    with pytest.raises(NoModel, match="no exam score column"):
        store.risk(dataset)


def test_stopping_a_job_that_ended_meanwhile_is_not_an_error(tmp_path, monkeypatch):
    """A new upload stops the previous upload's running jobs; one that exits between Dash's check and its kill
    made the new job's request fail with a 500."""
    import subprocess
    import sys

    import psutil

    from backend.cache import ForkSafeCache
    from backend.jobs import diskcache_manager

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    monkeypatch.setattr(psutil, "pid_exists", lambda pid: True)  # it still existed when Dash looked
    with pytest.raises(psutil.NoSuchProcess):  # what Dash's own manager does
        from dash import DiskcacheManager

        DiskcacheManager(ForkSafeCache(str(tmp_path / "plain"))).terminate_job(ended.pid)
    diskcache_manager(ForkSafeCache(str(tmp_path / "jobs"))).terminate_job(ended.pid)  # no error
