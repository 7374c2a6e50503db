"""One request context per callback, built in one place.

A callback says what it needs (`request(store, view, filters=..., model_id=..., mark=..., subject=...,
need=("scores",))`) and reads fields; with a subject of the file, the model is that subject's. A risk model that cannot exist (NoModel) or is still being fitted by a background job
(NotReady) is a state with its reason, `missing`, not an exception every callback catches: the panel shows
`waiting(req)` or its empty state instead of its content, and redraws when the `jobs-ready` store changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from dash.exceptions import PreventUpdate

from analytics.defaults import PERSONAS
from analytics.explore import filters as flt
from analytics.predict.features import MIN_COVERAGE, coverage
from analytics.predict.risk import NoModel, Scores, score_cohort
from analytics.predict.summary import ModelSummary
from analytics.predict.whatif import Context
from analytics.results import Analysis
from backend.auth.access import teacher_rows, visible
from backend.audit import note_view
from backend.store import NotReady
from components.cards import note

NEEDS = frozenset({"risk", "scores", "outliers"})
PENDING = {"risk": "The risk model is being fitted… this panel fills in when it is ready.",
           "outliers": "Unusual profiles are being looked for… this panel fills in when they are found."}
SET_BY_YOU = "set by you"
CHOOSE = "Choose which earlier upload's model scores this file (Scored by, above)."
NOTHING_SCORES = ("This file has no exam scores, so no risk model can learn from it, and no earlier upload's model "
                  "shares at least half of its columns. Upload an earlier file of the same layout with exam scores "
                  "first; its model can then score this cohort.")


@dataclass(frozen=True)
class Missing:
    """Why a result the panel needs is absent: no model can score this file, a background job has not finished
    yet (pending), or the user has yet to pick which earlier model scores a file without exam scores (choose)."""
    reason: str
    pending: bool = False
    choose: bool = False  # a file without exam scores waits for the user to pick a model under Scored by

    @property
    def shown(self) -> bool:
        """True when a panel says the reason instead of its content (a job runs, or a model is to be picked)."""
        return self.pending or self.choose


@dataclass
class Request:
    dataset_id: str
    personas: int
    analysis: Analysis
    filters: dict  # normalised: only filters this dataset can apply
    selection: np.ndarray | None = field(default=None, repr=False)  # rows of a map selection in the filters
    moved: np.ndarray | None = field(default=None, repr=False)  # rows of the persona move in the filters
    allowed: np.ndarray | None = field(default=None, repr=False)  # a teacher's classes: the rows they may see
    model: Context | None = field(default=None, repr=False)  # the what-if context; model.risk is the RiskModel
    scores: Scores | None = field(default=None, repr=False)  # the cohort scored at `mark`
    mark: float | None = None  # the pass mark in use, once a model is there
    mark_reason: str | None = None  # where the pass mark came from: the model's reasoning or SET_BY_YOU
    subject: str | None = None  # the subject the model predicts (None: the file's outcome)
    outliers: object | None = field(default=None, repr=False)
    missing: Missing | None = None

    @cached_property
    def mask(self) -> np.ndarray:
        """True for each student in the view (computed on first use: some panels ignore the filters)."""
        return self.keep()

    def keep(self, ignore: tuple[str, ...] = ()) -> np.ndarray:
        """The view without some filters: a chart that sets a filter keeps every value of its own dimension."""
        keep = flt.mask(self.analysis, self.filters, ignore=ignore, selection=self.selection, moved=self.moved)
        return keep if self.allowed is None else keep & self.allowed

    @property
    def exam_label(self) -> str:
        if self.model.risk.subject:
            return f"{self.model.risk.subject} mark"
        return self.model.risk.exam_column.replace("_", " ")


def request(store, view: dict | None, *, filters: dict | None = None, model_id: str | None = None, mark=None,
            subject: str | None = None, need: tuple[str, ...] = ()) -> Request:
    """The context for one callback. Raises PreventUpdate before the first view exists; needs are "risk" (the
    what-if context), "scores" (that and the cohort scored at the pass mark) and "outliers". A `subject` the
    file does not have (one left in an address) counts as the outcome."""
    if not view:
        raise PreventUpdate
    unknown = set(need) - NEEDS
    if unknown:
        raise ValueError(f"unknown needs {sorted(unknown)}")
    dataset_id, personas = view["dataset_id"], view.get("personas", PERSONAS)
    if not store.has(dataset_id):  # unknown, deleted, or not this person's to read: the same answer
        raise PreventUpdate
    try:
        analysis = visible(store.analysis(dataset_id, personas))
    except KeyError:  # deleted (or expired) while the page showed it: the overview says so, panels stay put
        raise PreventUpdate from None
    note_view(store.directory, dataset_id, analysis.filename)
    normal = flt.normalise(analysis, filters)
    selection = store.selection(normal["selection"]) if "selection" in normal else None
    moved = store.move_rows(dataset_id, normal["move"], personas) if "move" in normal else None
    req = Request(dataset_id, personas, analysis, normal, selection, moved, teacher_rows(analysis))
    if subject and subject in analysis.subject_columns and analysis.exam_column:
        req.subject = subject
    if "outliers" in need:
        try:
            req.outliers = store.outliers(dataset_id, personas)
        except NotReady:
            req.missing = Missing(PENDING["outliers"], pending=True)
    if req.missing is None and {"risk", "scores"} & set(need):
        add_model(store, req, model_id, mark, scored="scores" in need)
    return req


def add_model(store, req: Request, model_id: str | None, mark, scored: bool) -> None:
    """A file with exam scores is scored by its own model; one without, by the earlier upload's `model_id`,
    once the user has picked one that qualifies: no model is chosen for them."""
    own = bool(req.analysis.exam_column)
    if not own:
        usable = {summary.dataset_id for summary, _ in usable_models(store, req.analysis)}
        if model_id not in usable:  # also a choice left over from another file
            req.missing = Missing(CHOOSE, choose=True) if usable else Missing(NOTHING_SCORES)
            return
    try:
        req.model = store.whatif(req.dataset_id, None if own else model_id, req.personas, req.subject)
    except NoModel as err:
        req.missing = Missing(str(err))
        return
    except NotReady:
        req.missing = Missing(PENDING["risk"] if not req.subject else
                              f"The {req.subject} model is being fitted… this panel fills in when it is ready.",
                              pending=True)
        return
    risk = req.model.risk
    chosen = mark not in (None, "")
    req.mark = float(mark) if chosen else risk.default_pass_mark
    req.mark_reason = SET_BY_YOU if chosen else risk.pass_mark_reason
    if scored:  # kept in the context per pass mark: every panel asking after one click reuses one computation
        req.scores = score_cohort(risk, req.analysis, req.mark, predicted=req.model.predicted, memo=req.model.memo,
                                  X=req.model.X)


def usable_models(store, analysis: Analysis) -> list[tuple[ModelSummary, float]]:
    """(summary, coverage) of the earlier models that can score this file, best match first. Reads the stored
    summaries only, so it is cheap enough for every request."""
    found = [(summary, coverage(summary, analysis)) for summary in store.models()
             if summary.dataset_id != analysis.dataset_id]
    return sorted([item for item in found if item[1] >= MIN_COVERAGE], key=lambda item: -item[1])


def waiting(req: Request):
    """What a panel shows while its background job runs or a model is to be picked (None otherwise)."""
    return note(req.missing.reason) if req.missing and req.missing.shown else None
