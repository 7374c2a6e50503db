"""Storage that loses nothing: uploads apart from the cache, results rebuilt from them, a full disk named, quotas,
rate limits, refused files not kept, and filenames that stay each uploader's own."""
import errno
import os
import sqlite3

import pytest
from safe_app import Client, make_app, small_csv

from analytics.ingest.read import read_bytes
from backend import identity
from backend.identity import Identity
from backend.store import DatasetStore
from callbacks.overview import overview
from callbacks.upload import analyse_upload


@pytest.fixture(autouse=True)
def generous(monkeypatch):
    """No test here hits the rate limit unless it sets one (each app has its own in-memory counts)."""
    monkeypatch.setenv("COHORT_ATLAS_UPLOAD_RATE", "1000 per minute")
    monkeypatch.setenv("COHORT_ATLAS_MIN_FREE_MB", "0")
    yield
    identity.use(None)


def stored_files(store) -> list[str]:
    return sorted(name for name in os.listdir(store.uploads.root) if name.endswith(".bin"))


def test_an_upload_lives_in_the_uploads_folder_and_survives_the_cache_evicting_everything(tmp_path):
    store = DatasetStore(str(tmp_path / "data"), size_limit=2**20)  # a cache of 1 MB, evicting as it fills
    data = small_csv(1)
    dataset = store.add(data, "class 7A.csv")
    assert store.uploads.read(dataset) == data and stored_files(store) == [f"{dataset}.bin"]
    rows = store.analysis(dataset).rows
    for i in range(40):  # 40 x 100 KB of other results push everything out of a 1 MB cache
        store.cache.set(("junk", i), os.urandom(100_000))
    store.cache.cull()
    assert store.cache.get(("analysis", 9, dataset, 5)) is None  # the computed result was evicted...
    again = DatasetStore(str(tmp_path / "data"))
    assert again.has(dataset) and again.analysis(dataset).rows == rows == 150  # ...the upload was not
    assert again.filename(dataset) == "class 7A.csv"


def _value_files(store) -> list[str]:
    return [os.path.join(root, name) for root, _, names in os.walk(store.directory) for name in names
            if name.endswith(".val")]


def test_a_corrupted_cached_analysis_is_rebuilt_and_the_view_still_loads(tmp_path):
    directory = str(tmp_path / "data")
    store = DatasetStore(directory)
    dataset = store.add(small_csv(2, rows=2000), "year 9.csv")  # large enough to be kept in a file of its own
    expected = store.analysis(dataset).rows
    (path,) = _value_files(store)
    with open(path, "r+b") as fh:  # a torn write: garbage where the pickled analysis was
        fh.write(b"\x00garbage" * 64)
    fresh = DatasetStore(directory)  # a new process: nothing in memory
    view, _, error, filename, *_ = overview(fresh, dataset, 5)
    assert error is None and filename == "year 9.csv" and view == {"dataset_id": dataset, "personas": 5}
    assert fresh.analysis(dataset).rows == expected == 2000
    os.remove(_value_files(fresh)[0])  # the value file gone altogether
    assert DatasetStore(directory).analysis(dataset).rows == 2000


def test_a_corrupted_model_or_map_reads_as_missing_so_its_job_runs_again(tmp_path):
    store = DatasetStore(str(tmp_path / "data"))
    dataset = store.add(small_csv(3), "maps.csv")
    store.set_projection(dataset, {"x": list(range(50_000))})  # any value large enough for a file
    store.save_risk(dataset, {"error": "x" * 50_000}, summary=None)
    assert store.has_result("risk", dataset)
    for path in _value_files(store):
        with open(path, "wb") as fh:
            fh.write(b"not a pickle")
    fresh = DatasetStore(store.directory)
    assert fresh.projection(dataset) is None and not fresh.has_projection(dataset)  # the map job lays it out again
    assert not fresh.has_result("risk", dataset)  # so the page starts the risk job again
    fresh.fit_risk(dataset)  # which learns it from the raw file
    assert fresh.has_result("risk", dataset) and DatasetStore(store.directory).risk(dataset).cv is not None
    assert fresh.analysis(dataset).rows == 150


def test_a_full_disk_is_named_and_nothing_is_kept(tmp_path, monkeypatch):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    before = stored_files(store)

    def no_space(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("backend.uploads.os.fsync", no_space)
    reply = client.upload(small_csv(4), "term 2.csv")
    assert reply.status_code == 507 and "disk is full" in reply.json["error"] and "free disk space" in reply.json["error"]
    assert "term 2.csv" in reply.json["error"] and stored_files(store) == before
    assert not [n for n in os.listdir(store.uploads.root) if n.endswith(".part")]
    monkeypatch.undo()
    monkeypatch.setenv("COHORT_ATLAS_MIN_FREE_MB", str(10**9))  # a disk with less room than the server keeps free
    reply = client.upload(small_csv(4), "term 2.csv")
    assert reply.status_code == 507 and "disk is full" in reply.json["error"] and stored_files(store) == before


def test_a_full_disk_while_caching_a_result_still_shows_the_view(tmp_path, monkeypatch):
    store = DatasetStore(str(tmp_path / "data"))
    dataset = store.add(small_csv(5), "full.csv")

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("backend.cache.ForkSafeCache.set", full)
    assert store.analysis(dataset).rows == 150  # computed, used, not cached


def test_quotas_refuse_the_next_file_and_keep_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_ATLAS_QUOTA_DATASETS", "2")
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    first, second = (client.upload(small_csv(s), f"f{s}.csv") for s in (10, 11))
    assert first.status_code == second.status_code == 200
    kept = stored_files(store)
    third = client.upload(small_csv(12), "f12.csv")
    assert third.status_code == 403 and "COHORT_ATLAS_QUOTA_DATASETS=2" in third.json["error"]
    assert stored_files(store) == kept
    assert client.upload(small_csv(10), "f10 again.csv").status_code == 200  # the same file again takes no room
    monkeypatch.setenv("COHORT_ATLAS_QUOTA_DATASETS", "20")
    used = sum(len(small_csv(s)) for s in (10, 11))
    monkeypatch.setenv("COHORT_ATLAS_QUOTA_MB", str((used + 1000) / 2**20))  # no room for a third file
    over = client.upload(small_csv(13), "f13.csv")
    assert over.status_code == 403 and "MB quota" in over.json["error"] and stored_files(store) == kept


def test_a_flood_is_stopped_and_every_other_dataset_stays_readable(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_ATLAS_UPLOAD_RATE", "5 per minute")
    monkeypatch.setenv("COHORT_ATLAS_QUOTA_DATASETS", "4")
    app, store = make_app(str(tmp_path / "data"))
    identity.use(lambda: Identity("teacher", "north", "teacher"))
    owner = Client(app)
    theirs = [owner.upload(small_csv(20 + i), f"class {i}.csv").json["dataset_id"] for i in range(2)]
    identity.use(lambda: Identity("flooder", "north", "teacher"))
    flooder = Client(app)
    answers = [flooder.upload(os.urandom(2000) if i % 2 else small_csv(100 + i), f"junk {i}.csv").status_code
               for i in range(12)]
    assert answers[:5] == [200, 400, 200, 400, 200] and set(answers[5:]) == {429}
    refusal = flooder.upload(small_csv(300), "more.csv")
    assert refusal.status_code == 429 and "too many uploads" in refusal.json["error"]
    assert len(store.uploads.records(owner="flooder")) == 3  # the random bytes were never kept
    identity.use(lambda: Identity("teacher", "north", "teacher"))
    for dataset, i in zip(theirs, range(2)):
        assert store.analysis(dataset).rows == 150 and store.filename(dataset) == f"class {i}.csv"


def test_a_file_that_fails_to_parse_is_not_kept(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    before = stored_files(store)
    for junk in (os.urandom(5000), b"<!DOCTYPE html><html>Sign in</html>", b"\x00" * 100):
        reply = client.upload(junk, "export.csv")
        assert reply.status_code == 400 and stored_files(store) == before
    ragged = b"a,b\n1,2\n3\n" + b"4,5,6,7\n" * 3  # passes the first look, fails the full read
    reply = client.upload(ragged, "ragged.csv")
    assert reply.status_code == 200
    with pytest.raises(Exception):
        read_bytes(ragged, "ragged.csv")
    with app.server.test_request_context():  # what the upload card's callback does next
        _, status, _ = analyse_upload(store, reply.json, 5)
    assert "do not line up" in str(status) and stored_files(store) == before
    assert not store.has(reply.json["dataset_id"])


def test_the_same_bytes_under_another_name_do_not_rename_the_first_upload(tmp_path):
    app, store = make_app(str(tmp_path / "data"))
    data = small_csv(40)
    identity.use(lambda: Identity("ann", "north", "teacher"))
    first = Client(app).upload(data, "10B maths.csv").json["dataset_id"]
    identity.use(lambda: Identity("bob", "north", "teacher"))
    second = Client(app).upload(data, "renamed.csv").json
    # another person's upload of the same bytes is a dataset of their own, under their name; the file is kept once
    assert second["dataset_id"] != first and second["filename"] == "renamed.csv"
    assert [r.owner for r in store.uploads.records(content=store.content_hash(data))] == ["ann", "bob"]
    with app.server.test_request_context():
        assert store.filename(second["dataset_id"]) == "renamed.csv"  # bob sees his name
        identity.use(lambda: Identity("ann", "north", "teacher"))
        assert store.filename(first) == "10B maths.csv" and store.analysis(first).filename == "10B maths.csv"


def test_a_file_an_earlier_version_kept_in_the_cache_moves_to_the_uploads(tmp_path):
    store = DatasetStore(str(tmp_path / "data"))
    data = small_csv(50)
    content = store.content_hash(data)
    store.cache.set(("file", content), data)  # how uploads were kept before
    store.cache.set(("meta", content), {"filename": "old.csv", "size": len(data), "content": content, "sheet": None})
    assert store.has(content) and store.filename(content) == "old.csv"
    assert store.uploads.read(content) == data and ("file", content) not in store.cache
    assert store.analysis(content).rows == 150


def test_a_full_disk_under_the_audit_log_still_answers_the_upload_in_words(tmp_path, monkeypatch):
    app, store = make_app(str(tmp_path / "data"))
    client = Client(app)
    real = sqlite3.connect

    def full_audit(path, *args, **kwargs):
        if str(path).endswith("audit.sqlite"):
            raise sqlite3.OperationalError("database or disk is full")
        return real(path, *args, **kwargs)

    monkeypatch.setenv("COHORT_ATLAS_MIN_FREE_MB", str(10**9))
    monkeypatch.setattr("backend.audit.sqlite3.connect", full_audit)
    reply = client.upload(small_csv(60), "full.csv")
    assert reply.status_code == 507 and "disk is full" in reply.json["error"]
