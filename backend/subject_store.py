"""The per-subject risk models of a school's file, kept in the dataset store next to the outcome's model.

One cache entry per (dataset, subject): a RiskModel, or {"error": reason} when that subject's marks cannot
train one. The subjects job (backend/tasks.py) learns them after the outcome's model, which it waits for (or
learns) first, so the first view is as fast as for a file without subjects. A file without subjects has
nothing to learn and no job starts for it.
"""
from __future__ import annotations

from analytics.predict.risk import NoModel, RiskModel
from analytics.predict.subject_risk import fit_subject, subject_names

from .locks import dataset_lock, is_locked

JOB = "subjects"


class SubjectModels:
    """Mixed into DatasetStore: needs its `cache`, `directory`, `_models`, `analysis`, `fit_risk`, `failure`,
    `filename`, and the RISK_VERSION / ANALYSIS_VERSION of backend/store.py (passed in as `versions`)."""
    versions: tuple = ()

    def _subject_key(self, dataset_id: str, subject: str) -> tuple:
        return ("risk-subject", *self.versions, dataset_id, subject)

    def _subject_entry(self, dataset_id: str, subject: str):
        return self._model_entry(self._subject_key(dataset_id, subject))

    def subjects(self, dataset_id: str) -> list[str]:
        """The subjects of a stored file a model is learnt for (none for a file without subjects)."""
        return subject_names(self.analysis(dataset_id))

    def subjects_done(self, dataset_id: str) -> bool:
        """True when every subject's model (or why there is none) is stored; a file without subjects has none."""
        return all(self._subject_key(dataset_id, s) in self.cache for s in self.subjects(dataset_id))

    def subjects_busy(self, dataset_id: str) -> bool:
        return is_locked(self.directory, "risk-subjects", *self.versions, dataset_id)

    def subject_risk(self, dataset_id: str, subject: str) -> RiskModel:
        """One subject's risk model. Raises NotReady until the subjects job has learnt it, NoModel with the
        reason when its marks cannot train one (or the file has no such subject), JobFailed when the job failed."""
        from .store import JobFailed, NotReady

        if subject not in self.subjects(dataset_id):
            raise NoModel(f"{self.filename(dataset_id)} has no subject '{subject}'")
        found = self._subject_entry(dataset_id, subject)
        if found is None:
            failed = self.failure(JOB, dataset_id)
            if failed:
                raise JobFailed(failed)
            raise NotReady(f"the {subject} model of {self.filename(dataset_id)} is being learnt")
        if isinstance(found, dict):
            raise NoModel(found["error"])
        return found

    def fit_subjects(self, dataset_id: str, progress=None) -> None:
        """The subjects job: the outcome's model first (learnt here, or waited for if another job has it), then
        each subject's, cached one by one so a restarted job does not learn a subject twice."""
        say = progress or (lambda _text: None)
        try:
            self.fit_risk(dataset_id, say)
        except NoModel:
            pass  # a subject may still have enough marks; its own NoModel says so otherwise
        names = self.subjects(dataset_id)
        with dataset_lock(self.directory, "risk-subjects", *self.versions, dataset_id):
            analysis = self.analysis(dataset_id)
            for k, subject in enumerate(names, 1):
                key = self._subject_key(dataset_id, subject)
                if key in self.cache:
                    continue
                say(f"Learning the {subject} model ({k} of {len(names)}; 5-fold cross-validation, then the "
                    "final fit)…")
                try:
                    found = fit_subject(analysis, subject)
                except NoModel as err:
                    found = {"error": str(err)}
                self.cache.set(key, found)
                self._models.put(key, found)
