"""Server-side state: uploaded files and their analyses on disk (diskcache), keyed by content hash.

The browser only ever holds a dataset id. Re-uploading the same bytes, or restarting the server, finds the
same entries again; a small in-process memo spares unpickling on every callback.

A web request computes only the core analysis (read, clean, themes, personas, trajectories). Outliers and
the risk model come from background jobs (backend/tasks.py) that call `find_outliers` and `fit_risk`; until
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
from analytics.predict.risk import NoModel, RiskModel, fit_risk, predicted_scores
from analytics.predict.summary import ModelSummary, summarise
from analytics.predict.whatif import Context, prepare
from analytics.results import Analysis, Outliers

from .auth.access import readable
from .cache import ForkSafeCache
from .choices import Choices
from .files import Files
from .limits import job_seconds
from .locks import dataset_lock, is_locked
from .memo import Memo
from .results_cache import ResultCache
from .subject_store import SubjectModels
from .terms_store import Terms
from .uploads import Uploads

RISK_VERSION = 4  # bump when the risk model or its defaults change (pass mark by scale, out-of-fold scores, pass/fail task)
ANALYSIS_VERSION = 9  # bump when the analysis output changes, so stale cache entries are not reused
MEMO_SIZE = 4
FAILURE_SECONDS = 3600  # a failed job is not retried on every page load, but is again after this


class NotReady(Exception):
    """A result that is computed by a background job (outliers, the risk model, the map) is not there yet; the
    panel waits for the job instead of computing it on the web request."""


class JobFailed(NoModel):
    """The job that learns the risk model failed or ran past its time limit; the message says which, in one
    line. A NoModel, so the risk panels show it where they say why there is no model."""


class DatasetStore(Files, Choices, SubjectModels, Terms):
    versions = (RISK_VERSION, ANALYSIS_VERSION)  # of the per-subject models' keys (backend/subject_store.py)

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
        """True once the job ("outliers", "risk" or "subjects") has cached its result for this dataset."""
        if job == "subjects":
            return self.subjects_done(dataset_id)
        # read, not only looked up: a damaged entry reads as missing, so its job runs again and rebuilds it
        if job == "outliers":
            return self.cache.get(self._outliers_key(dataset_id)) is not None
        return self._risk_entry(dataset_id) is not None

    def busy(self, job: str, dataset_id: str) -> bool:
        """True while some process is running `job` ("outliers", "risk" or "subjects") on this dataset."""
        if job == "subjects":
            return self.subjects_busy(dataset_id)
        key = self._outliers_key(dataset_id) if job == "outliers" else self._risk_key(dataset_id)
        return is_locked(self.directory, *key)

    @staticmethod
    def _risk_key(dataset_id: str) -> tuple:
        return ("risk", RISK_VERSION, ANALYSIS_VERSION, dataset_id)

    def _risk_entry(self, dataset_id: str):
        return self._model_entry(self._risk_key(dataset_id))

    def _model_entry(self, key: tuple):
        """A stored model (or the reason there is none), unpickled once per process."""
        found = self._models.get(key)
        if found is None:
            found = self.cache.get(key)
            if found is not None:
                self._models.put(key, found)
        return found

    @staticmethod
    def _model_or_reason(found) -> RiskModel:
        if isinstance(found, dict):
            raise NoModel(found["error"])
        return found

    def risk(self, dataset_id: str) -> RiskModel:
        """The risk model learnt from a dataset with exam scores. Raises NotReady until the risk job has run,
        NoModel with the reason when the file cannot train one, JobFailed when the job failed."""
        found = self._risk_entry(dataset_id)
        if found is None:
            failed = self.failure("risk", dataset_id)
            if failed:
                raise JobFailed(failed)
            raise NotReady(f"the risk model of {self.filename(dataset_id)} is being learnt")
        return self._model_or_reason(found)

    def fit_risk(self, dataset_id: str, progress=None) -> RiskModel:
        """The risk job: learn and cache a dataset's risk model (once, whoever asks; the others wait for it).
        `progress(text)` hears what it is doing. Raises NoModel with the reason when the file cannot train one."""
        key = self._risk_key(dataset_id)
        found = self._risk_entry(dataset_id)
        if found is None:
            with dataset_lock(self.directory, *key):
                found = self.cache.get(key)
                if found is None:
                    analysis = self.analysis(dataset_id)
                    if progress:
                        progress(f"Learning the risk model from {analysis.rows:,} students "
                                 "(5-fold cross-validation, then the final fit)…")
                    try:
                        found = fit_risk(analysis)
                    except NoModel as err:
                        found = {"error": str(err)}
                    self.save_risk(dataset_id, found)
            self._models.put(key, found)
        return self._model_or_reason(found)

    @staticmethod
    def _summary_key(dataset_id: str) -> tuple:
        return ("risk-summary", RISK_VERSION, ANALYSIS_VERSION, dataset_id)

    def save_risk(self, dataset_id: str, found, summary: ModelSummary | None = None) -> None:
        """Keep the risk job's result (a model, or {"error": reason}) and its summary (None when there is no
        model; by default summarised from it). The model is written first, so a listed summary has its model."""
        if summary is None and not isinstance(found, dict):
            summary = summarise(found)
        self.cache.set(self._risk_key(dataset_id), found)
        self.cache.set(self._summary_key(dataset_id), summary)

    def models(self) -> list[ModelSummary]:
        """The summary of every risk model learnt so far that the person asking may read, for scoring a file
        without exam scores. Only the
        summaries are read, never a model; a model saved before summaries were kept is read once, to write
        its summary."""
        ids, current = {"risk": set(), "risk-summary": set()}, (RISK_VERSION, ANALYSIS_VERSION)
        for key in self.cache.iterkeys():
            if isinstance(key, tuple) and len(key) == 4 and key[0] in ids and key[1:3] == current:
                ids[key[0]].add(key[3])
        for dataset_id in ids["risk"] - ids["risk-summary"]:
            found = self.cache.get(self._risk_key(dataset_id))
            if found is not None:  # None: evicted since the keys were listed
                self.cache.set(self._summary_key(dataset_id), None if isinstance(found, dict) else
                               summarise(found))
        found = (self.cache.get(self._summary_key(d)) for d in sorted(ids["risk"]))
        return [summary for summary in found if summary is not None and readable(self, summary.dataset_id)]

    def whatif(self, dataset_id: str, model_id: str | None = None, personas: int = PERSONAS,
               subject: str | None = None) -> Context:
        """A cohort scored by a risk model (its own, one `subject`'s, or `model_id`'s for a file without exam
        scores), ready for what-ifs. Kept in memory: preparing costs ~0.4 s at 6.6k students. Raises NotReady
        like `risk`."""
        source = model_id or dataset_id
        key = ("whatif", RISK_VERSION, dataset_id, source, int(personas)) + ((subject,) if subject else ())
        found = self._models.get(key)
        if found is None:
            risk = self.subject_risk(dataset_id, subject) if subject else self.risk(source)
            with self._models.key_lock(key):  # the memo is this process's: its threads prepare it once
                found = self._models.get(key)
                if found is None:
                    analysis = self.analysis(dataset_id, personas)
                    found = prepare(risk, analysis, predicted_scores(risk, analysis))
        return self._models.put(key, found)

    def run_jobs(self, dataset_id: str, personas: int = PERSONAS) -> None:
        """Run the outlier, risk and subject jobs here and now (tests, benches, warming a server's default
        dataset)."""
        self.find_outliers(dataset_id, personas)
        self.fit_subjects(dataset_id)  # the outcome's model first; a reason for no model is cached
