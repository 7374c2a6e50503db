"""Risk before exams: predict each student's exam score from the pre-exam columns, and the chance of ending
below a pass mark, with cross-validated quality beside two baselines.

The model is scikit-learn's HistGradientBoostingRegressor above 1,000 students (native categories and missing
values, fast on 100k rows) and a random forest below (better on a class-sized file; see make_model).
Actionable factors are monotonic (more attendance never lowers a prediction), so what-if answers make sense
one student at a time. The students of the file the model was fitted on are scored out of fold: each
prediction comes from a model that never saw that student, so a flag is not the outcome in disguise.
The chance of ending below the pass mark reads the out-of-fold errors: P(score < pass) = share of errors
below pass - prediction.

A large file is sampled (at 660k rows on a busy machine, scoring every student with all five fold models alone
took 12 s): the cross-validation runs on CV_SAMPLE students stratified by exam score, and the final model is
fitted, with early stopping, on FIT_SAMPLE students that include them. Every student is still scored by a model
that never saw them: the cross-validated students by their fold's model, the other students of the final fit
by the model of a fold drawn at random (fitted on the cross-validation sample only), everyone else by the
final model.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from analytics.predict.features import FeatureSpec, encode, fit_spec
from analytics.predict.passmark import default_pass_mark
from analytics.predict.sampling import out_of_fold, sample_rows
from analytics.results import Analysis

FOLDS = 5
SEED = 0
CV_SAMPLE = 15_000  # above this many students, cross-validate on a sample stratified by exam score
FIT_SAMPLE = 60_000  # and fit the final model on at most this many (the CV sample among them)
FOREST_UP_TO = 1_000  # class-sized files get a random forest (see make_model)
# Higher is better for the student in each of these roles; the model may not say otherwise.
INCREASING = {"hours_studied", "attendance", "previous_score", "motivation", "tutoring", "access_to_resources",
              "parental_involvement", "internet_access"}
# Absences stay free: in the UCI maths file students who dropped out have 0 absences and a final grade of 0,
# and forcing "fewer absences never lowers a prediction" cost RMSE 1.67 -> 2.05 there.
DECREASING: set[str] = set()


@dataclass
class Metrics:
    mae: float
    rmse: float
    auc: float | None  # None when every student is on one side of the pass mark
    accuracy: float

    def to_dict(self) -> dict:
        return {"mae": self.mae, "rmse": self.rmse, "auc": self.auc, "accuracy": self.accuracy}


@dataclass
class CrossValidation:
    folds: int
    rows: int  # students cross-validated (a sample above CV_SAMPLE)
    predictions: dict[str, np.ndarray] = field(repr=False)  # method -> out-of-fold prediction per row
    fold_of: np.ndarray = field(repr=False)  # fold number per row
    rows_used: np.ndarray = field(repr=False)  # which students (positions)

    def metrics(self, y: np.ndarray, pass_mark: float) -> dict[str, Metrics]:
        return {name: score(y, pred, pass_mark) for name, pred in self.predictions.items()}


@dataclass
class RiskModel:
    spec: FeatureSpec
    model: object  # a fitted scikit-learn regressor (see make_model)
    fold_models: list  # one per fold: their spread is the what-if uncertainty band
    errors: np.ndarray = field(repr=False)  # sorted out-of-fold errors (actual - predicted)
    cv: CrossValidation
    exam_column: str
    score_range: tuple[float, float]
    default_pass_mark: float
    pass_mark_reason: str
    fitted_on: int
    fit_seconds: float
    dataset_id: str = ""
    filename: str = ""
    whole_scores: bool = False  # exam scores are whole numbers
    out_of_fold: np.ndarray | None = field(default=None, repr=False)  # per student of the training file
    subject: str = ""  # the subject whose marks this model predicts ("" for the file's outcome)
    left_out: int = 0  # students with no mark, left out of fitting (scored by the final model)

    @property
    def sampled(self) -> dict:
        """How many students the cross-validation and the final fit used, of how many."""
        total = self.cv.rows if self.out_of_fold is None else len(self.out_of_fold)
        return {"cv_rows": self.cv.rows, "final_rows": self.fitted_on, "of": total}

    def threshold(self, pass_mark: float) -> float:
        """The cut on the continuous prediction that matches "scores below the pass mark". With whole-number
        scores, below 65 means 64 or less, so the cut is 64.5 (a prediction of 64.8 most likely ends at 65,
        a pass): without this correction, students given a 50 % chance failed a quarter of the time."""
        if self.whole_scores:
            return float(np.ceil(pass_mark) - 0.5)
        return float(pass_mark)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self.model.predict(X), *self.score_range)

    def chance_below(self, predicted: np.ndarray, pass_mark: float) -> np.ndarray:
        """P(actual < pass mark) for each predicted score, from the out-of-fold errors."""
        cut = self.threshold(pass_mark)
        below = np.searchsorted(self.errors, cut - np.asarray(predicted, dtype=float), side="left")
        return below / max(1, len(self.errors))


def model_name(model) -> str:
    return type(model[-1] if isinstance(model, Pipeline) else model).__name__


def make_model(spec: FeatureSpec, rows: int):
    monotonic = [1 if spec.roles.get(c) in INCREASING else -1 if spec.roles.get(c) in DECREASING else 0
                 for c in spec.columns]
    monotonic = [0 if spec.kinds[c] == "category" else m for c, m in zip(spec.columns, monotonic)]
    if rows <= FOREST_UP_TO:
        # A class or year group: a random forest. On the UCI files (395 / 649 students, 2 x 10-fold CV) it beat
        # boosted trees of every depth tried, e.g. maths without grades RMSE 3.87 vs 4.33. Categories go in as
        # codes (trees split them fine at this size); blanks are filled with the median, which monotonic
        # constraints require.
        forest = RandomForestRegressor(n_estimators=200, min_samples_leaf=2, max_features=0.5,
                                       monotonic_cst=monotonic, n_jobs=1, random_state=SEED)
        return Pipeline([("fill", SimpleImputer(strategy="median", keep_empty_features=True)), ("forest", forest)])
    return HistGradientBoostingRegressor(
        learning_rate=0.1, max_iter=300, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        categorical_features=spec.categorical if spec.categorical.any() else None, monotonic_cst=monotonic,
        early_stopping=True, validation_fraction=0.1, n_iter_no_change=15, random_state=SEED)


def score(y: np.ndarray, pred: np.ndarray, pass_mark: float) -> Metrics:
    """Regression errors, and how well the prediction separates students below the pass mark (AUC of the
    predicted score's order; accuracy of "predicted below" vs "actually below")."""
    from sklearn.metrics import roc_auc_score

    err = y - pred
    below = y < pass_mark
    auc = float(roc_auc_score(below, -pred)) if 0 < below.sum() < len(below) else None
    return Metrics(float(np.mean(np.abs(err))), float(np.sqrt(np.mean(err ** 2))),
                   None if auc is None else round(auc, 4), float(np.mean((pred < pass_mark) == below)))


def cross_validate(X: np.ndarray, y: np.ndarray, previous: np.ndarray | None, factory, folds: int = FOLDS,
                   seed: int = SEED) -> tuple[CrossValidation, list]:
    """Out-of-fold predictions of the model and both baselines, from the same folds. `factory()` makes an
    unfitted model; each is fitted on the other folds only."""
    fold_of = np.empty(len(y), dtype=np.int64)
    preds = {"model": np.empty(len(y)), "baseline_mean": np.empty(len(y))}
    if previous is not None:
        preds["baseline_previous"] = np.empty(len(y))
    models = []
    for k, (train, test) in enumerate(KFold(folds, shuffle=True, random_state=seed).split(X)):
        fold_of[test] = k
        model = factory().fit(X[train], y[train])
        models.append(model)
        preds["model"][test] = model.predict(X[test])
        preds["baseline_mean"][test] = y[train].mean()
        if previous is not None:
            line = LinearRegression().fit(previous[train, None], y[train])
            preds["baseline_previous"][test] = line.predict(previous[test, None])
    return CrossValidation(folds, len(y), preds, fold_of, np.arange(len(y))), models


class NoModel(ValueError):
    """The file cannot train a risk model; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """What a subject's model predicts: the column with its points, and its pass mark with the reason."""
    subject: str
    column: str
    pass_mark: float
    reason: str


def fit_risk(analysis: Analysis, target: Target | None = None) -> RiskModel:
    """Fit and cross-validate the risk model on a file with exam scores (or, with `target`, on one subject's
    marks: students without one are left out of fitting). One thread: measured here, at 6.6k rows a fit took
    0.28 s on one thread and 1.1 s with OpenMP on two busy cores."""
    with threadpool_limits(1):
        return _fit_risk(analysis, target)


def _fit_risk(analysis: Analysis, target: Target | None = None) -> RiskModel:
    start = time.perf_counter()
    exam = analysis.exam_column if target is None else target.column
    if not exam or exam not in analysis.students:
        raise NoModel("this file has no exam score column, so a risk model cannot be trained on it; score it "
                      "with a model from an earlier file that had exam scores")
    y_file = analysis.students[exam].to_numpy(dtype=float)
    marked = np.flatnonzero(~np.isnan(y_file))  # every student for the outcome; those with a mark for a subject
    y_all = y_file[marked]
    if len(marked) < 30 or np.unique(y_all).size < 3:
        raise NoModel(f"a risk model needs at least 30 students with varied exam scores; this file has "
                      f"{len(marked)}" if target is None else
                      f"a model for {target.subject} needs at least 30 students with varied marks; "
                      f"{len(marked)} have one")
    spec = fit_spec(analysis)
    if not spec.columns:
        raise NoModel("no pre-exam columns to learn from (such as Attendance, Hours_Studied, Previous_Scores)")
    X_file = encode(spec, analysis)
    X_all = X_file[marked]
    used = sample_rows(y_all, CV_SAMPLE, SEED)
    previous_col = analysis.previous_column
    previous = (analysis.students[previous_col].to_numpy(dtype=float)[marked] if previous_col in analysis.students
                else None)
    cv, fold_models = cross_validate(X_all[used], y_all[used], None if previous is None else previous[used],
                                     lambda: make_model(spec, len(used)))
    cv.rows_used = marked[used]  # positions in the file
    others = np.setdiff1d(np.arange(len(marked)), used, assume_unique=True)
    extra = np.random.default_rng(SEED).choice(others, min(len(others), max(0, FIT_SAMPLE - len(used))),
                                               replace=False)
    fit_rows = np.sort(np.concatenate([used, extra]))
    model = make_model(spec, len(fit_rows)).fit(X_all[fit_rows], y_all[fit_rows])
    low, high = float(np.nanmin(y_all)), float(np.nanmax(y_all))
    errors = np.sort(y_all[used] - cv.predictions["model"])
    mark, reason = default_pass_mark(analysis, y_all) if target is None else (target.pass_mark, target.reason)
    oof = np.empty(analysis.rows)
    oof[marked] = out_of_fold(X_all, used, cv.predictions["model"], fold_models, model, fit_rows, SEED)
    unmarked = np.setdiff1d(np.arange(analysis.rows), marked, assume_unique=True)
    if len(unmarked):  # no mark to learn from: the final model, which never saw them either
        oof[unmarked] = model.predict(X_file[unmarked])
    return RiskModel(spec, model, fold_models, errors, cv, exam, (low, high), mark, reason, len(fit_rows),
                     round(time.perf_counter() - start, 3), analysis.dataset_id, analysis.filename,
                     bool(np.all(y_all % 1 == 0)), oof, "" if target is None else target.subject, len(unmarked))


def predicted_scores(risk: RiskModel, analysis: Analysis, X: np.ndarray | None = None) -> np.ndarray:
    """Each student's predicted exam score. On the file the model learnt from, out of fold (kept from the fit;
    see out_of_fold); on another file, the final model's prediction."""
    same_file = bool(risk.dataset_id) and analysis.dataset_id == risk.dataset_id
    if same_file and risk.out_of_fold is not None and len(risk.out_of_fold) == analysis.rows:
        return np.clip(risk.out_of_fold, *risk.score_range)
    X = encode(risk.spec, analysis) if X is None else X
    if not same_file:
        return risk.predict(X)
    # a model stored before out_of_fold was kept: the mean of the fold models, none of which saw these students
    out = np.empty(analysis.rows)
    used = risk.cv.rows_used
    out[used] = risk.cv.predictions["model"]
    rest = np.setdiff1d(np.arange(analysis.rows), used, assume_unique=True)
    if len(rest):
        out[rest] = np.mean([m.predict(X[rest]) for m in risk.fold_models], axis=0)
    return np.clip(out, *risk.score_range)


@dataclass
class Scores:
    """A cohort scored by a risk model, for one pass mark."""
    predicted: np.ndarray  # predicted exam score per student
    chance: np.ndarray  # P(below the pass mark) per student
    pass_mark: float
    at_risk: np.ndarray  # predicted below the pass mark
    actual: np.ndarray | None  # exam scores, when the file has them
    predicted_only: bool  # True when the file has no exam scores (next term's cohort)

    @property
    def at_risk_count(self) -> int:
        return int(self.at_risk.sum())


def score_cohort(risk: RiskModel, analysis: Analysis, pass_mark: float | None = None,
                 predicted: np.ndarray | None = None, memo: dict | None = None) -> Scores:
    """The cohort scored for one pass mark; `memo` (a what-if context's) keeps it, since every cross-filter
    asks again and at 1M students the chances take ~60 ms."""
    mark = risk.default_pass_mark if pass_mark is None else float(pass_mark)
    if memo is not None and ("scores", mark) in memo:
        return memo[("scores", mark)]
    predicted = predicted_scores(risk, analysis) if predicted is None else predicted
    exam = risk.exam_column if risk.subject else analysis.exam_column  # a subject's marks (NaN: no mark)
    actual = analysis.students[exam].to_numpy(dtype=float) if exam and exam in analysis.students else None
    scores = Scores(predicted, risk.chance_below(predicted, mark), mark, predicted < risk.threshold(mark), actual,
                    actual is None)
    if memo is not None:
        memo[("scores", mark)] = scores
    return scores


def cv_summary(risk: RiskModel, analysis: Analysis, pass_mark: float | None = None) -> dict:
    """The `risk` block of `summarize --json`: pass mark, at-risk count and the cross-validated metrics."""
    mark = risk.default_pass_mark if pass_mark is None else float(pass_mark)
    y = analysis.students[risk.exam_column].to_numpy(dtype=float)[risk.cv.rows_used]
    # `analysis` is the file the model learnt from (even when, as on the command line, it has no dataset id)
    learnt = None if risk.out_of_fold is None else np.clip(risk.out_of_fold, *risk.score_range)
    scores = score_cohort(risk, analysis, mark, predicted=learnt)
    return {"pass_mark": mark, "pass_mark_reason": risk.pass_mark_reason if pass_mark is None else "set by the user",
            "at_risk": scores.at_risk_count, "students": analysis.rows, "model_type": model_name(risk.model),
            "features": list(risk.spec.columns), "fit_seconds": risk.fit_seconds, "sampled": risk.sampled,
            "cv": {"folds": risk.cv.folds, "rows": risk.cv.rows,
                   **{name: m.to_dict() for name, m in risk.cv.metrics(y, risk.threshold(mark)).items()}}}
