"""Server-side state: uploaded files and their analyses on disk (diskcache), keyed by content hash.

The browser only ever holds a dataset id. Re-uploading the same bytes, or restarting the server, finds the
same entries again; a small in-process memo spares unpickling on every callback.

A web request computes only the core analysis (read, clean, themes, personas, trajectories). Outliers,
the risk model and the personas' stability (backend/stability_store.py) come from background jobs
(backend/tasks.py) that call `find_outliers`, `fit_risk` and `measure_stability`; until
one has finished, `outliers`, `risk` and `whatif` raise NotReady. Each computation holds a lock of its own
dataset (backend/locks.py), so different uploads are analysed in parallel and the same one only once, by
however many threads and processes share the cache directory.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import time

import numpy as np

from analytics.analysis import analyse, outliers_for, with_outliers
from analytics.defaults import PERSONAS
from analytics.ingest.read import max_bytes_from_env, read_bytes
from analytics.models.projection import VERSION as MAP_VERSION
from analytics.results import Analysis, Outliers

from .cache import ForkSafeCache
from .choices import Choices
from .files import Files
from .limits import job_seconds
from .locks import dataset_lock, is_locked
from .memo import Memo
from .job_errors import JobFailed, NotReady  # noqa: F401 (imported from here by callbacks and tests)
from .results_cache import ResultCache
from .risk_store import RiskModels
from .stability_store import PersonaStability
from .subject_store import SubjectModels
from .terms_store import Terms
from .uploads import Uploads

RISK_VERSION = 4  # bump when the risk model or its defaults change (pass mark by scale, out-of-fold scores, pass/fail task)
ANALYSIS_VERSION = 9  # bump when the analysis output changes, so stale cache entries are not reused
MEMO_SIZE = 4
FAILURE_SECONDS = 3600  # a failed job is not retried on every page load, but is again after this


class DatasetStore(Files, Choices, RiskModels, SubjectModels, Terms, PersonaStability):
    versions = (RISK_VERSION, ANALYSIS_VERSION)  # of the model keys (backend/risk_store.py, subject_store.py)

    def __init__(self, directory: str, max_bytes: int | None = None, size_limit: int = 4 * 2**30):
        self.directory = directory
        self.max_bytes = max_bytes if max_bytes is not None else max_bytes_from_env()
        # Computed results only: evicting one costs a recomputation from the upload, never the upload itself,
        # which lives in `uploads`; a person's choices live in `durable`, which never evicts. Job processes are
        # forked, so both caches are fork-safe. secure_delete: an erased dataset leaves no bytes in free pages.
        self.cache = ResultCache(directory, size_limit=size_limit, sqlite_secure_delete=1)
        self.durable = ForkSafeCache(os.path.join(directory, "kept"), eviction_policy="none", sqlite_secure_delete=1)
        self.uploads = Uploads(directory)
        self._memo = Memo(MEMO_SIZE)  # (analysis, done): done once the outliers (or why none) are merged in
        self._models = Memo(MEMO_SIZE * 4)  # risk models (the outcome's, each subject's) and what-if contexts

    def save_selection(self, dataset_id: str, rows) -> str:
        """Keep a map selection server-side (it can be thousands of rows); the URL carries only its id."""
        rows = sorted({int(r) for r in rows})
        selection_id = hashlib.sha256(f"{dataset_id}:{rows}".encode()).hexdigest()[:16]
        self.cache.set(("selection", selection_id), np.asarray(rows, dtype=np.int64))
        self.cache.set(("selection-of", dataset_id, selection_id), True)  # so erasing the dataset finds it
        return selection_id

    def selection(self, selection_id: str | None):
        """The 0-based rows of a saved selection, or None if unknown."""
        return self.cache.get(("selection", selection_id)) if selection_id else None

    def projection(self, dataset_id: str):
        """The cached student map (analytics.models.projection.Projection) of a dataset, or None. It depends on the
        themes only, not on the persona count; backend/map_worker computes it."""
        return self.cache.get(("map", ANALYSIS_VERSION, MAP_VERSION, dataset_id))

    def has_projection(self, dataset_id: str) -> bool:
        return ("map", ANALYSIS_VERSION, MAP_VERSION, dataset_id) in self.cache

    def set_projection(self, dataset_id: str, projection) -> None:
        self.cache.set(("map", ANALYSIS_VERSION, MAP_VERSION, dataset_id), projection)

    def filename(self, dataset_id: str) -> str:
        meta = self.meta(dataset_id)
        return meta.filename if meta else dataset_id

    def analysis_lock(self, dataset_id: str, personas: int = PERSONAS):
        """The lock held while a dataset's core analysis is computed, by whichever process does it."""
        return dataset_lock(self.directory, "analysis", ANALYSIS_VERSION, dataset_id, int(personas))

    def core(self, dataset_id: str, personas: int = PERSONAS) -> Analysis:
        """The core analysis of a stored file, without outliers: computed once by whichever thread or process
        asks first while the others wait, then read from disk. Raises DataError or KeyError."""
        key = ("analysis", ANALYSIS_VERSION, dataset_id, int(personas))
        result = self.cache.get(key)
        if result is None:
            if not self.has(dataset_id):
                raise KeyError(dataset_id)
            with self.analysis_lock(dataset_id, personas):
                result = self.cache.get(key)  # another process may have finished it while this one waited
                if result is None:
                    data = self.raw(dataset_id)
                    if data is None:
                        raise KeyError(dataset_id)
                    table = read_bytes(data, self.filename(dataset_id), self.max_bytes, self.sheet(dataset_id))
                    result = analyse(table, int(personas), dataset_id, outliers=False,
                                     choices=self.choices(dataset_id))
                    self.cache.set(key, result)
        return result

    def analysis(self, dataset_id: str, personas: int = PERSONAS) -> Analysis:
        """The analysis of a stored file, with its outliers merged in once their job has cached them.
        Raises DataError or KeyError."""
        if not self.has(dataset_id):  # unknown, or not this person's to read
            raise KeyError(dataset_id)
        key = (dataset_id, int(personas))
        if not self.has(dataset_id):  # erased, perhaps by another process whose memo is not this one
            raise KeyError(dataset_id)
        found = self._memo.get(key)
        if found is None:
            with self._memo.key_lock(key):  # one unpickling per process, not one per request
                found = self._memo.get(key) or (self.core(dataset_id, personas), False)
        result, done = found
        if not done:
            outliers = self.cache.get(self._outliers_key(dataset_id))
            if outliers is not None:
                result, done = with_outliers(result, outliers["found"], outliers["seconds"]), True
            else:
                done = "personas" in result.skipped  # no personas, no outliers: nothing to wait for
        self._memo.put(key, (result, done))
        failed = None if done else self.failure("outliers", dataset_id)
        if failed:  # merged into this answer only: a failure expires, or a raised time limit retries
            result = with_outliers(result, failed)
        name = self.filename(dataset_id)
        return result if result.filename == name else dataclasses.replace(result, filename=name)

    @staticmethod
    def _outliers_key(dataset_id: str) -> tuple:
        return ("outliers", ANALYSIS_VERSION, dataset_id)

    def outliers(self, dataset_id: str, personas: int = PERSONAS) -> Outliers | None:
        """The outliers of a dataset, or None when it has none to show (the reason is in the analysis's
        `skipped`). Raises NotReady until the outlier job has run."""
        analysis = self.analysis(dataset_id, personas)
        if analysis.outliers is None and not {"personas", "outliers"} & set(analysis.skipped):
            raise NotReady(f"the outliers of {analysis.filename} are being found")
        return analysis.outliers

    def find_outliers(self, dataset_id: str, personas: int = PERSONAS) -> Outliers | None:
        """The outlier job: find and cache a dataset's outliers (once, whoever asks), for every persona
        count, since they depend on the themes only."""
        key = self._outliers_key(dataset_id)
        entry = self.cache.get(key)
        if entry is None:
            with dataset_lock(self.directory, *key):
                entry = self.cache.get(key)
                if entry is None:  # kept for the next ask; used now even if the disk was too full to keep it
                    start = time.perf_counter()
                    found = outliers_for(self.core(dataset_id, personas))
                    entry = {"found": found, "seconds": round(time.perf_counter() - start, 4)}
                    self.cache.set(key, entry)
        found = entry["found"]
        return found if isinstance(found, Outliers) else None

    def record_failure(self, job: str, dataset_id: str, message: str, limit: float | None = None) -> None:
        """Remember why a job failed, so its panel says so and page loads do not restart it for a while. A
        time-out (`limit` set) no longer counts once the limit has been raised above it."""
        self.cache.set(("failed", job, dataset_id), {"error": message, "limit": limit}, expire=FAILURE_SECONDS)

    def failure(self, job: str, dataset_id: str) -> str | None:
        found = self.cache.get(("failed", job, dataset_id))
        if not found or (found["limit"] is not None and found["limit"] < job_seconds()):
            return None
        return found["error"]

    def clear_failure(self, job: str, dataset_id: str) -> None:
        self.cache.delete(("failed", job, dataset_id))

    def has_result(self, job: str, dataset_id: str) -> bool:
        """True once the job ("outliers", "risk", "subjects" or "stability") has cached its result for this dataset."""
        if job in ("subjects", "stability"):
            return self.subjects_done(dataset_id) if job == "subjects" else self.stability_done(dataset_id)
        # read, not only looked up: a damaged entry reads as missing, so its job runs again and rebuilds it
        if job == "outliers":
            return self.cache.get(self._outliers_key(dataset_id)) is not None
        return self._risk_entry(dataset_id) is not None

    def busy(self, job: str, dataset_id: str) -> bool:
        """True while some process is running `job` ("outliers", "risk", "subjects" or "stability") on it."""
        if job in ("subjects", "stability"):
            return self.subjects_busy(dataset_id) if job == "subjects" else self.stability_busy(dataset_id)
        key = self._outliers_key(dataset_id) if job == "outliers" else self._risk_key(dataset_id)
        return is_locked(self.directory, *key)

    def run_jobs(self, dataset_id: str, personas: int = PERSONAS) -> None:
        """Run the outlier, risk, subject and stability jobs here and now (tests, benches, warming a server's
        default dataset)."""
        self.find_outliers(dataset_id, personas)
        self.measure_stability(dataset_id, personas)
        self.fit_subjects(dataset_id)  # the outcome's model first; a reason for no model is cached
