"""The dataset's risk model (the outcome's), its summary for scoring other files, and the cohort prepared for
what-ifs: kept in the dataset store, learnt once by the risk job (backend/tasks.py), never in a web request."""
from __future__ import annotations

from analytics.defaults import PERSONAS
from analytics.predict.risk import NoModel, RiskModel, fit_risk, predicted_scores
from analytics.predict.summary import ModelSummary, summarise
from analytics.predict.whatif import Context, prepare

from .auth.access import readable
from .job_errors import JobFailed, NotReady
from .locks import dataset_lock


class RiskModels:
    """Mixed into DatasetStore: needs its `cache`, `directory`, `_models`, `analysis`, `failure`, `filename`,
    `subject_risk`, and `versions` (RISK_VERSION, ANALYSIS_VERSION of backend/store.py)."""
    versions: tuple = ()

    @classmethod
    def _risk_key(cls, dataset_id: str) -> tuple:
        return ("risk", *cls.versions, dataset_id)

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

    @classmethod
    def _summary_key(cls, dataset_id: str) -> tuple:
        return ("risk-summary", *cls.versions, dataset_id)

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
        ids, current = {"risk": set(), "risk-summary": set()}, tuple(self.versions)
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
        key = ("whatif", self.versions[0], dataset_id, source, int(personas)) + ((subject,) if subject else ())
        found = self._models.get(key)
        if found is None:
            risk = self.subject_risk(dataset_id, subject) if subject else self.risk(source)
            with self._models.key_lock(key):  # the memo is this process's: its threads prepare it once
                found = self._models.get(key)
                if found is None:
                    analysis = self.analysis(dataset_id, personas)
                    found = prepare(risk, analysis, predicted_scores(risk, analysis))
        return self._models.put(key, found)
