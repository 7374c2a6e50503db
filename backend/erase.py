"""Erasure and retention: a dataset leaves the server whole, its raw file, analyses, models, maps, insight caches,
map selections, remembered choices, background job results and lock files, and the audit log says who did it.

A dataset is erased by content: every sheet of a workbook and every set of column choices read from the same
file goes with it. Someone who is not an admin and shares the file with other uploaders removes only their own
record; the file goes when its last uploader lets go of it. Retention (COHORT_ATLAS_RETENTION_DAYS, default 365)
erases whatever nobody has uploaded again for that long: at start, daily while the app runs, and on
`python app.py datasets purge`.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from .audit import log_for
from .auth.access import readable
from .choices import content_id
from .files import SERVER_SCHOOLS
from .identity import Identity
from .locks import lock_path
from .uploads import SYSTEM, Record, uploader

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 365
DAY = 86400.0
RETENTION = Identity("retention", "", "admin")


class NotAllowed(Exception):
    """The person asking may not delete this dataset."""


def retention_days() -> float:
    try:
        days = float(os.environ.get("COHORT_ATLAS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return days if days > 0 else DEFAULT_RETENTION_DAYS


def datasets(store) -> list[dict]:
    """Every stored dataset: id, filename, owner, school, uploaded (epoch seconds), size, sheet; newest first."""
    return [{"dataset_id": r.dataset_id, "filename": r.filename, "owner": r.owner, "school": r.school,
             "uploaded": r.created, "size": r.size, "sheet": r.sheet}
            for r in reversed(store.uploads.records())]


def _content(store, dataset_id: str) -> str | None:
    meta = store.meta(dataset_id)
    if meta:
        return meta.content
    base = content_id(dataset_id)
    return base if store.has(base) else None


def erase(store, dataset_id: str, who: Identity | None = None) -> list[str]:
    """Delete a dataset (and all read from the same file) for `who` (the current person by default). Returns
    the dataset ids removed from the server (none when only `who`'s own record went). Raises KeyError for an
    unknown dataset, NotAllowed for someone who neither uploaded it nor is an admin."""
    who = who or uploader()
    content = _content(store, dataset_id)
    if content is None or not _may_see(store, dataset_id, who):
        raise KeyError(dataset_id)
    root = store.root(dataset_id)  # once people sign in, the same bytes of another uploader are another dataset
    records = [r for r in store.uploads.records(content=content) if store._root_of(r.dataset_id, r) == root]
    if not records:
        raise KeyError(dataset_id)
    owners = {r.owner for r in records}
    filename = store.filename(dataset_id)
    if not who.is_admin and who.username not in owners:
        raise NotAllowed(f"only the person who uploaded {filename} or an admin can delete it")
    if not who.is_admin and owners - {who.username}:
        store.uploads.forget(sorted({r.dataset_id for r in records}), owner=who.username)
        log_for(store.directory).record("delete", dataset_id, filename, "own upload record only: others keep "
                                        "the file", who=who)
        return []
    ids = _dataset_ids(store, root, records)
    _remove(store, ids, content)
    log_for(store.directory).record("delete", dataset_id, filename, f"erased {len(ids)} dataset id(s)", who=who)
    return sorted(ids)


def _remove(store, ids: set[str], content: str) -> None:
    """Everything kept for these dataset ids, and the file once no other record names it."""
    sets = _term_sets(store, ids)
    _drop_results(store, ids | sets)
    for key in list(store.durable.iterkeys()):  # the other terms no longer point at a set that is gone
        if isinstance(key, tuple) and key[0] == "terms-of" and store.durable.get(key) in sets:
            store.durable.delete(key)
    store.uploads.forget(sorted(ids))
    store.uploads.remove_file(content)
    store._memo.drop(lambda key: key[0] not in ids)
    store._models.drop(lambda key: not ids & set(key))
    _drop_locks(store, ids)


def refuse(store, dataset_id: str | None) -> None:
    """Let go of an upload that could not be analysed: the person's record of it, and the file and whatever was
    computed from it once nobody else holds it."""
    meta = store.meta(dataset_id) if dataset_id else None
    if meta is None:
        return
    root = store.root(dataset_id)
    store.uploads.forget([dataset_id], owner=uploader().username)
    if not any(store._root_of(r.dataset_id, r) == root for r in store.uploads.records(content=meta.content)):
        _remove(store, _dataset_ids(store, root, []), meta.content)


def _may_see(store, dataset_id: str, who: Identity) -> bool:
    """The server's own work (retention, the command line) sees every dataset; a person, what they may read
    (another school's dataset answers as an unknown one)."""
    return who.school in SERVER_SCHOOLS or readable(store, dataset_id, who)


def _dataset_ids(store, root: str, records: list[Record]) -> set[str]:
    """The dataset's own id, its sheets' and every id derived from those by column choices."""
    ids = {root} | {r.dataset_id for r in records}
    for key in list(store.durable.iterkeys()):
        if isinstance(key, tuple) and key[0] == "choices" and content_id(key[1]) in ids:
            ids.add(key[1])
    return ids


def _term_sets(store, ids: set[str]) -> set[str]:
    """The term sets a dataset belongs to: their links and their tracking (which holds its students) go too."""
    return {key[1] for key in list(store.durable.iterkeys())
            if isinstance(key, tuple) and key[0] == "terms" and ids & set(store.durable.get(key) or ())}


def _mentions(key, ids: set[str]) -> bool:
    return isinstance(key, tuple) and any(isinstance(part, str) and part in ids for part in key)


def _drop_results(store, ids: set[str]) -> None:
    for key in list(store.cache.iterkeys()):
        if _mentions(key, ids):
            if key[0] == "selection-of":
                store.cache.delete(("selection", key[2]))
            store.cache.delete(key)
    for key in list(store.durable.iterkeys()):
        if _mentions(key, ids):
            store.durable.delete(key)
    _drop_job_results(store.directory, ids)
    _drop_celery_results(ids)
    for cache in (store.cache, store.durable):
        _checkpoint(cache)


def _drop_job_results(directory: str, ids: set[str]) -> None:
    """Dash's background-job cache (DIR/jobs): replies and progress that name the dataset."""
    path = os.path.join(directory, "jobs")
    if not os.path.isdir(path):
        return
    from .cache import ForkSafeCache

    jobs = ForkSafeCache(path)
    try:
        for key in list(jobs.iterkeys()):
            try:
                text = repr(key) + repr(jobs.get(key))
            except Exception:  # unreadable: it cannot be told apart, so it goes too
                text = next(iter(ids))
            if any(dataset_id in text for dataset_id in ids):
                jobs.delete(key)
        _checkpoint(jobs)
    finally:
        jobs.close()


def _drop_celery_results(ids: set[str]) -> None:
    """With REDIS_URL, Dash's Celery manager keeps job replies and progress in Redis as plain values: those that
    name the dataset go, as in the disk cache. Queued task messages (lists) are left: they are work not yet run."""
    if not os.environ.get("REDIS_URL"):
        return
    import redis

    wanted = [dataset_id.encode() for dataset_id in ids]
    try:
        client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=10)
        for key in client.scan_iter(count=1000):
            if client.type(key) != b"string":
                continue
            text = key + (client.get(key) or b"")
            if any(dataset_id in text for dataset_id in wanted):
                client.delete(key)
    except redis.RedisError as err:  # the files are gone; say what could not be reached, for an admin to redo
        log.error("could not remove job results of %s from Redis: %s", ", ".join(sorted(ids)), err)


def _checkpoint(cache) -> None:
    """Fold SQLite's write-ahead log into the database, so deleted rows are not left in the log file."""
    try:
        cache._sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:
        log.warning("could not checkpoint %s", cache.directory)


def _drop_locks(store, ids: set[str]) -> None:
    from .store import ANALYSIS_VERSION, DatasetStore

    for dataset_id in ids:
        keys = [("analysis", ANALYSIS_VERSION, dataset_id, k) for k in range(1, 13)]
        keys += [DatasetStore._outliers_key(dataset_id), DatasetStore._risk_key(dataset_id),
                 ("risk-subjects", *DatasetStore.versions, dataset_id), store._stability_key(dataset_id)]
        for key in keys:
            try:
                os.remove(lock_path(store.directory, *key))
            except FileNotFoundError:
                pass


def purge(store, days: float | None = None, now: float | None = None) -> list[str]:
    """Erase every dataset its uploader has not uploaded again for `days` (COHORT_ATLAS_RETENTION_DAYS); the
    ids erased. Under sign-in each uploader's dataset of a file is their own and expires on its own clock: a
    school's old upload goes even while another school's copy of the same bytes is recent (the file stays for
    that one)."""
    days = retention_days() if days is None else days
    before = (time.time() if now is None else now) - days * DAY
    erased: list[str] = []
    for content in store.uploads.expired(before):
        roots: dict[str, list[Record]] = {}
        for record in store.uploads.records(content=content):
            roots.setdefault(store._root_of(record.dataset_id, record), []).append(record)
        for records in roots.values():
            if max(r.created for r in records) >= before:
                continue
            try:
                erased += erase(store, records[0].dataset_id, RETENTION)
            except KeyError:
                continue  # erased meanwhile by someone else
    if erased:
        log.info("retention (%g days) erased %d dataset id(s)", days, len(erased))
    return erased


def keep_purging(store, every: float = DAY) -> threading.Thread:
    """Purge now and then every `every` seconds, in a daemon thread (a server's lifetime)."""
    def loop():
        while True:
            try:
                purge(store)
            except Exception:
                log.exception("retention purge failed")
            time.sleep(every)

    thread = threading.Thread(target=loop, name="retention", daemon=True)
    thread.start()
    return thread


__all__ = ["erase", "purge", "keep_purging", "datasets", "retention_days", "NotAllowed", "SYSTEM"]
