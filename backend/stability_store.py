"""How separated and how stable each number of personas is (analytics/models/stability.py), kept per dataset.

The measure refits K-Means 147 times (7 persona counts x (1 + 20 resamples)), about 1.5 s, so it is a
background job of its own (backend/tasks.py), never a web request; it depends on the themes only, so one entry
serves every persona count. The entry is {"found": Stability or None, "seconds": ...}: None for a file without
personas of its own, where there is nothing to measure.
"""
from __future__ import annotations

import time

from analytics.models.stability import VERSION, Stability, of_analysis

from .locks import dataset_lock, is_locked

JOB = "stability"


class PersonaStability:
    """Mixed into DatasetStore: needs its `cache`, `directory`, `core`, `failure`, `filename` and the
    ANALYSIS_VERSION of backend/store.py (the second of `versions`)."""
    versions: tuple = ()

    def _stability_key(self, dataset_id: str) -> tuple:
        return ("stability", VERSION, self.versions[1], dataset_id)

    def stability_done(self, dataset_id: str) -> bool:
        return self.cache.get(self._stability_key(dataset_id)) is not None

    def stability_busy(self, dataset_id: str) -> bool:
        return is_locked(self.directory, *self._stability_key(dataset_id))

    def stability(self, dataset_id: str) -> Stability | None:
        """The measure of a dataset's personas, or None when it has no personas of its own. Raises NotReady
        until the job has run, JobFailed (with the reason in one line) when it failed."""
        from .store import JobFailed, NotReady

        entry = self.cache.get(self._stability_key(dataset_id))
        if entry is None:
            failed = self.failure(JOB, dataset_id)
            if failed:
                raise JobFailed(failed)
            raise NotReady(f"the stability of the personas of {self.filename(dataset_id)} is being measured")
        return entry["found"]

    def measure_stability(self, dataset_id: str, personas: int, progress=None) -> Stability | None:
        """The stability job: measure and keep it (once, whoever asks; the others wait for it)."""
        key = self._stability_key(dataset_id)
        entry = self.cache.get(key)
        if entry is None:
            with dataset_lock(self.directory, *key):
                entry = self.cache.get(key)
                if entry is None:
                    start = time.perf_counter()
                    found = of_analysis(self.core(dataset_id, personas), progress)
                    entry = {"found": found, "seconds": round(time.perf_counter() - start, 4)}
                    self.cache.set(key, entry)
        return entry["found"]
