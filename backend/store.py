"""Server-side state: uploaded files and their analyses on disk (diskcache), keyed by content hash.

The browser only ever holds a dataset id. Re-uploading the same bytes, or restarting the server, finds the
same entries again; a small in-process memo spares unpickling on every callback.
"""
from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict

import diskcache
import numpy as np

from analytics.analysis import analyse
from analytics.defaults import PERSONAS
from analytics.ingest.read import check_size, max_bytes_from_env, read_bytes
from analytics.models.projection import VERSION as MAP_VERSION
from analytics.predict.risk import NoModel, RiskModel, fit_risk, predicted_scores
from analytics.predict.whatif import Context, prepare
from analytics.results import Analysis

RISK_VERSION = 2  # bump when the risk model or its defaults change (pass mark by scale, out-of-fold scores)
ANALYSIS_VERSION = 4  # bump when the analysis output changes, so stale cache entries are not reused
MEMO_SIZE = 4


class NotReady(Exception):
    """A result that is computed by a background job (outliers, the risk model, the map) is not there yet; the
    panel waits for the job instead of computing it on the web request."""


class DatasetStore:
    def __init__(self, directory: str, max_bytes: int | None = None, size_limit: int = 4 * 2**30):
        self.directory = directory
        self.max_bytes = max_bytes if max_bytes is not None else max_bytes_from_env()
        self.cache = diskcache.Cache(directory, size_limit=size_limit)
        self._memo: OrderedDict[tuple, Analysis] = OrderedDict()
        self._models: OrderedDict[tuple, object] = OrderedDict()  # risk models and what-if contexts
        self._lock = threading.RLock()
        self._fitting = threading.RLock()

    def add(self, data: bytes, filename: str) -> str:
        """Keep the file; return its dataset id. Raises DataError for an empty or oversized file."""
        check_size(len(data), filename, self.max_bytes)
        dataset_id = hashlib.sha256(data).hexdigest()[:24]
        if ("file", dataset_id) not in self.cache:
            self.cache.set(("file", dataset_id), data)
        self.cache.set(("meta", dataset_id), {"filename": filename, "size": len(data)})
        return dataset_id

    def has(self, dataset_id: str | None) -> bool:
        return bool(dataset_id) and ("file", dataset_id) in self.cache

    def save_selection(self, dataset_id: str, rows) -> str:
        """Keep a map selection server-side (it can be thousands of rows); the URL carries only its id."""
        rows = sorted({int(r) for r in rows})
        selection_id = hashlib.sha256(f"{dataset_id}:{rows}".encode()).hexdigest()[:16]
        self.cache.set(("selection", selection_id), np.asarray(rows, dtype=np.int64))
        return selection_id

    def selection(self, selection_id: str | None):
        """The 0-based rows of a saved selection, or None if unknown."""
        return self.cache.get(("selection", selection_id)) if selection_id else None

    def projection(self, dataset_id: str):
        """The cached student map (analytics.models.projection.Projection) of a dataset, or None. It depends on the
        themes only, not on the persona count; backend/map_worker.py computes it."""
        return self.cache.get(("map", ANALYSIS_VERSION, MAP_VERSION, dataset_id))

    def set_projection(self, dataset_id: str, projection) -> None:
        self.cache.set(("map", ANALYSIS_VERSION, MAP_VERSION, dataset_id), projection)

    def filename(self, dataset_id: str) -> str:
        meta = self.cache.get(("meta", dataset_id))
        return meta["filename"] if meta else dataset_id

    def analysis(self, dataset_id: str, personas: int = PERSONAS) -> Analysis:
        """The analysis of a stored file (computed once, then read from disk). Raises DataError or KeyError."""
        key = ("analysis", ANALYSIS_VERSION, dataset_id, int(personas))
        with self._lock:
            result = self._memo.get(key)
            if result is None:
                result = self.cache.get(key)
                if result is None:
                    data = self.cache.get(("file", dataset_id))
                    if data is None:
                        raise KeyError(dataset_id)
                    result = analyse(read_bytes(data, self.filename(dataset_id), self.max_bytes), int(personas),
                                     dataset_id)
                    self.cache.set(key, result)
                self._memo[key] = result
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
            self._memo.move_to_end(key)
        name = self.filename(dataset_id)
        return result if result.filename == name else dataclasses.replace(result, filename=name)

    def _remember(self, key: tuple, value):
        with self._lock:
            self._models[key] = value
            self._models.move_to_end(key)
            while len(self._models) > MEMO_SIZE * 2:
                self._models.popitem(last=False)
        return value

    def risk(self, dataset_id: str) -> RiskModel:
        """The risk model learnt from a dataset with exam scores (fitted once, then read from disk). Raises
        NoModel with the reason when the file cannot train one."""
        key = ("risk", RISK_VERSION, ANALYSIS_VERSION, dataset_id)
        found = self._models.get(key) or self.cache.get(key)
        if found is None:
            with self._fitting:  # the risk panel, map menu and list ask at once: fit once, the others wait
                found = self._models.get(key) or self.cache.get(key)
                if found is None:
                    try:
                        found = fit_risk(self.analysis(dataset_id))
                    except NoModel as err:
                        found = {"error": str(err)}
                    self.cache.set(key, found)
        self._remember(key, found)
        if isinstance(found, dict):
            raise NoModel(found["error"])
        return found

    def models(self) -> list[tuple[str, str]]:
        """(dataset id, file name) of every dataset a risk model has been learnt from, for scoring a file
        without exam scores."""
        out = []
        for key in self.cache.iterkeys():
            if isinstance(key, tuple) and key[:3] == ("risk", RISK_VERSION, ANALYSIS_VERSION):
                if not isinstance(self.cache.get(key), dict):
                    out.append((key[3], self.filename(key[3])))
        return out

    def whatif(self, dataset_id: str, model_id: str | None = None, personas: int = PERSONAS) -> Context:
        """A cohort scored by a risk model (its own, or `model_id`'s for a file without exam scores), ready
        for what-ifs. Kept in memory: preparing costs ~0.4 s at 6.6k students."""
        source = model_id or dataset_id
        key = ("whatif", RISK_VERSION, dataset_id, source, int(personas))
        found = self._models.get(key)
        if found is None:
            risk = self.risk(source)
            with self._fitting:
                found = self._models.get(key)
                if found is None:
                    analysis = self.analysis(dataset_id, personas)
                    found = prepare(risk, analysis, predicted_scores(risk, analysis))
        return self._remember(key, found)
