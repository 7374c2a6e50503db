"""Erasure and retention: deleting a dataset (from the upload card's confirm step or the command line) leaves
no file, cache entry or job result of it on the server; retention deletes what nobody uploaded for too long."""
import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest
from safe_app import Client, make_app, small_csv

from backend import identity
from backend.audit import log_for
from backend.cache import ForkSafeCache
from backend.erase import NotAllowed, erase, purge
from backend.identity import Identity
from callbacks.datasets import delete, open_dialog
from callbacks.insights import insights_content
from components import ids

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "Quillon-Vexbridge"  # a value found only in the file under test


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COHORT_ATLAS_MIN_FREE_MB", "0")
    yield
    identity.use(None)


def marked_csv(seed: int) -> bytes:
    frame = pd.read_csv(__import__("io").BytesIO(small_csv(seed, rows=300)))
    frame.insert(0, "Student_Name", [f"{MARKER} {seed} {i}" for i in range(len(frame))])
    return frame.to_csv(index=False).encode()


def everything_of(store, dataset_id: str) -> None:
    """Fill the server with all a dataset brings: analyses, outliers, models, a map, insights, choices, a map
    selection and a background job's reply."""
    store.run_jobs(dataset_id, 5)
    store.analysis(dataset_id, 3)
    store.set_projection(dataset_id, {"rows": [MARKER] * 10})
    store.save_selection(dataset_id, [1, 2, 3])
    derived = store.with_choices(dataset_id, {"ignore": ["Tutoring_Sessions"]})
    store.analysis(derived, 5)
    insights_content(store, {"dataset_id": dataset_id, "personas": 5}, {})
    jobs = ForkSafeCache(os.path.join(store.directory, "jobs"))
    jobs.set("job-result-1", {"dataset_id": dataset_id, "job": "risk", "ok": True})
    jobs.close()


def traces(directory: str, dataset_id: str, skip=("audit.sqlite",)) -> list[str]:
    """Every file under `directory` whose name or bytes carry the dataset id or the marker."""
    found = []
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if name in skip:
                continue
            with open(path, "rb") as fh:
                data = fh.read()
            if dataset_id in name or dataset_id.encode() in data or MARKER.encode() in data:
                found.append(os.path.relpath(path, directory))
    return found


def cache_keys(store, dataset_id: str) -> list:
    keys = list(store.cache.iterkeys()) + list(store.durable.iterkeys())
    return [k for k in keys if dataset_id in repr(k)]


def test_deleting_from_the_upload_card_leaves_nothing_of_the_dataset(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    other = client.upload(marked_csv(2).replace(MARKER.encode(), b"Someone-Else"), "keep.csv").json["dataset_id"]
    dataset = client.upload(marked_csv(1), "to delete.csv").json["dataset_id"]
    everything_of(store, dataset)
    assert traces(store.directory, dataset) and cache_keys(store, dataset)  # the walk would see it
    with app.server.test_request_context():
        is_open, name = open_dialog(store, ids.DELETE_OPEN, dataset)
        assert is_open and name == "to delete.csv"
        message, following, still_open = delete(store, dataset)
    assert message == "Deleted to delete.csv and everything computed from it." and not still_open
    assert following == {"dataset_id": other}  # the dashboard moves to what is left
    assert traces(store.directory, dataset) == [] and cache_keys(store, dataset) == []
    assert not store.has(dataset) and not os.path.exists(store.uploads.path(dataset))
    with pytest.raises(KeyError):
        store.analysis(dataset)
    assert store.analysis(other).rows == 300  # the other upload is untouched
    (entry,) = [e for e in log_for(store.directory).events() if e["action"] == "delete"]
    assert entry["dataset_id"] == dataset and entry["filename"] == "to delete.csv" and entry["username"] == "local"


def test_deleting_from_the_command_line(tmp_path, monkeypatch, capsys, app_module):
    """`python app.py datasets list|delete`: listed and deleted through the command's own code in this process;
    the refusal of a second delete in a real process, for its exit status and its one line."""
    app, store = make_app(str(tmp_path / "data"))
    dataset = Client(app).upload(marked_csv(3), "cli.csv").json["dataset_id"]
    everything_of(store, dataset)
    env = {**os.environ, "COHORT_ATLAS_CACHE": store.directory, "COHORT_ATLAS_MAP_WORKER": "0"}
    monkeypatch.setenv("COHORT_ATLAS_CACHE", store.directory)
    capsys.readouterr()
    assert app_module.main(["datasets", "list"]) == 0
    listed = capsys.readouterr().out
    assert dataset in listed and "cli.csv" in listed
    assert app_module.main(["datasets", "delete", dataset]) == 0
    assert dataset in capsys.readouterr().out
    assert traces(store.directory, dataset) == []
    again = subprocess.run([sys.executable, "app.py", "datasets", "delete", dataset], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "no dataset" in again.stderr
    entry = log_for(store.directory).events()[0]
    assert (entry["action"], entry["username"], entry["dataset_id"]) == ("delete", "cli", dataset)


def test_only_the_uploader_or_an_admin_can_delete_and_the_same_file_stays_for_the_others(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    data = marked_csv(4)
    content = store.content_hash(data)
    identity.use(lambda: Identity("ann", "north", "teacher"))
    dataset = Client(app).upload(data, "ann.csv").json["dataset_id"]
    identity.use(lambda: Identity("lee", "north", "leader"))  # reads every dataset of the school, deletes none
    with app.server.test_request_context():
        with pytest.raises(NotAllowed):
            erase(store, dataset)
    identity.use(lambda: Identity("eve", "north", "teacher"))
    with app.server.test_request_context():
        with pytest.raises(KeyError):  # not hers to read: the same answer as an unknown dataset
            erase(store, dataset)
        theirs = Client(app).upload(data, "eve.csv").json["dataset_id"]
        assert theirs != dataset  # the same bytes from another person are a dataset of their own
        assert erase(store, theirs) == [theirs]  # eve lets go of hers; ann's, from the same file, stays
    assert [r.owner for r in store.uploads.records(content=content)] == ["ann"]
    identity.use(lambda: Identity("ann", "north", "teacher"))
    with app.server.test_request_context():
        assert store.has(dataset) and store.raw(dataset) == data
        assert erase(store, dataset) == [dataset]
    assert not store.has(dataset) and store.uploads.records(content=content) == []
    assert traces(store.directory, dataset) == [] and traces(store.directory, theirs) == []
    assert traces(store.directory, content) == []


def test_retention_deletes_what_nobody_uploaded_for_too_long(tmp_path, monkeypatch):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    old = client.upload(marked_csv(5), "last year.csv").json["dataset_id"]
    everything_of(store, old)
    recent = client.upload(small_csv(6), "this term.csv").json["dataset_id"]
    year_ago = time.time() - 366 * 86400
    with __import__("sqlite3").connect(store.uploads.db) as con:
        con.execute("UPDATE datasets SET created = ? WHERE content = ?", (year_ago, old))
    assert purge(store, days=400) == []  # within a 400-day retention
    monkeypatch.setenv("COHORT_ATLAS_RETENTION_DAYS", "365")
    env = {**os.environ, "COHORT_ATLAS_CACHE": store.directory, "COHORT_ATLAS_MAP_WORKER": "0"}
    done = subprocess.run([sys.executable, "app.py", "datasets", "purge"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    # the file and the dataset read from it with other column choices
    assert done.returncode == 0 and "retention 365 days: erased 2 dataset id(s)" in done.stdout, done.stderr
    assert old in done.stdout and recent not in done.stdout
    assert not store.has(old) and traces(store.directory, old) == [] and store.has(recent)
    entry = log_for(store.directory).events()[0]
    assert (entry["action"], entry["username"], entry["dataset_id"]) == ("delete", "retention", old)


def test_retention_counts_each_school_s_upload_of_the_same_file_on_its_own(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    data = marked_csv(8)
    identity.use(lambda: Identity("head-a", "north", "admin"))
    old = Client(app).upload(data, "same.csv").json["dataset_id"]
    everything_of(store, old)
    identity.use(lambda: Identity("head-b", "south", "admin"))
    recent = Client(app).upload(data, "same.csv").json["dataset_id"]
    assert old != recent
    with __import__("sqlite3").connect(store.uploads.db) as con:
        con.execute("UPDATE datasets SET created = ? WHERE dataset_id = ?", (time.time() - 366 * 86400, old))
    identity.use(None)
    erased = purge(store, days=365)
    assert old in erased and recent not in erased
    records = store.uploads.records(content=store.content_hash(data))
    assert not store.has(old) and [r.dataset_id for r in records] == [recent]
    assert store.raw(recent) == data and store.analysis(recent).rows == 300  # the other school's copy stays whole
    assert cache_keys(store, old) == []


def test_deleting_a_term_removes_its_term_set_and_the_tracking_of_it(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    first = pd.read_csv(__import__("io").BytesIO(marked_csv(5)))
    first.insert(0, "UPN", [f"A{i:05d}" for i in range(len(first))])
    later = first.assign(Exam_Score=first["Exam_Score"] + 1)
    one = client.upload(first.to_csv(index=False).encode(), "autumn.csv").json["dataset_id"]
    two = client.upload(later.to_csv(index=False).encode(), "spring.csv").json["dataset_id"]
    set_id = store.link_term(one, two)
    tracked = store.track_terms(set_id, 5)
    assert not isinstance(tracked, str) and store.has_tracking(set_id, 5)
    with app.server.test_request_context():
        erase(store, two)
    assert store.term_set(one) is None and store.term_members(set_id) is None
    assert not store.has_tracking(set_id, 5)  # the tracking held the deleted term's students
    assert not os.path.exists(store.uploads.path(two)) and not cache_keys(store, two)
    assert store.analysis(one).rows == 300  # the other term stays, on its own


def test_deleting_under_celery_removes_the_job_replies_kept_in_redis(tmp_path, monkeypatch, redis_url):
    import redis
    from dash import CeleryManager

    from backend import jobs

    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr(jobs, "_celery", None)  # the Celery app of this REDIS_URL, made afresh
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    keep = client.upload(marked_csv(7).replace(MARKER.encode(), b"Someone-Else"), "keep.csv").json["dataset_id"]
    dataset = client.upload(marked_csv(6), "gone.csv").json["dataset_id"]
    backend = CeleryManager(jobs.celery_app()).handle.backend  # where Dash's Celery jobs write their replies
    backend.set("reply-gone", json.dumps({"dataset_id": dataset, "rows": [MARKER]}))
    backend.set("reply-gone-progress", json.dumps([dataset, 3, 10]))
    backend.set("reply-kept", json.dumps({"dataset_id": keep}))
    erase(store, dataset)
    kept = redis.Redis.from_url(redis_url)
    assert sorted(kept.keys("reply-*")) == [b"reply-kept"]
    assert not any(dataset.encode() in (kept.get(key) or b"") for key in kept.scan_iter() if kept.type(key) == b"string")
