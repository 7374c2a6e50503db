"""Risk before exams: predict each student's exam score from the pre-exam columns, and the chance of ending
below a pass mark, with cross-validated quality beside the baselines.

The model is scikit-learn's HistGradientBoostingRegressor above 1,000 students (native categories and missing
values, fast on 100k rows) and a random forest below (better on a class-sized file; see make_model).
Actionable factors are monotonic (more attendance never lowers a prediction), so what-if answers make sense
one student at a time. The students of the file the model was fitted on are scored out of fold: each
prediction comes from a model that never saw that student, so a flag is not the outcome in disguise.
The chance of ending below the pass mark is a task of its own (passfail.py): at the pass mark the model was
fitted for, it comes from whichever approach cross-validated best on the same folds; at another pass mark,
from the approaches that need nothing refitted (the regression's error spread, the line on the previous score).

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
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from analytics.predict import passfail as pf
from analytics.predict.crossval import FOLDS, SEED, CrossValidation, Metrics, cross_validate, score  # noqa: F401
from analytics.predict.features import FeatureSpec, encode, fit_spec
from analytics.predict.passmark import default_pass_mark
from analytics.predict.sampling import out_of_fold, sample_rows
from analytics.results import Analysis

CV_SAMPLE = 15_000  # above this many students, cross-validate on a sample stratified by exam score
FIT_SAMPLE = 60_000  # and fit the final model on at most this many (the CV sample among them)
FOREST_UP_TO = 1_000  # class-sized files get a random forest (see make_model)
# 100 trees (and 150 in the pass/fail classifier): half the fit time of 200 and 300 for a cross-validated RMSE
# and log loss within 1 % on the UCI files, the exams file and a generated school (bench/forest.py).
FOREST_TREES = 100
make_classifier = pf.make_classifier  # the pass/fail task's classifier (a test swaps it for a spy)
# Higher is better for the student in each of these roles; the model may not say otherwise.
INCREASING = {"hours_studied", "attendance", "previous_score", "motivation", "tutoring", "access_to_resources",
              "parental_involvement", "internet_access"}
# Absences stay free: in the UCI maths file students who dropped out have 0 absences and a final grade of 0,
# and forcing "fewer absences never lowers a prediction" cost RMSE 1.67 -> 2.05 there.
DECREASING: set[str] = set()


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
    passfail: pf.PassFail | None = field(default=None, repr=False)  # the pass/fail task at default_pass_mark
    previous_line: tuple[float, float] | None = None  # slope, intercept of the line on the previous score

    @property
    def sampled(self) -> dict:
        """How many students the cross-validation and the final fit used, of how many."""
        total = self.cv.rows if self.out_of_fold is None else len(self.out_of_fold)
        return {"cv_rows": self.cv.rows, "final_rows": self.fitted_on, "of": total}

    def threshold(self, pass_mark: float) -> float:
        return cut_for(pass_mark, self.whole_scores)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self.model.predict(X), *self.score_range)

    def chance_below(self, predicted: np.ndarray, pass_mark: float) -> np.ndarray:
        """P(actual < pass mark) for each predicted score, from the out-of-fold errors (the regression's own
        chance, which a what-if on the predicted score reads)."""
        return pf.regression_chance(self.errors, self.threshold(pass_mark), predicted)

    def fitted_for(self, pass_mark: float) -> bool:
        """True when the pass/fail task was fitted for this pass mark (the same cut on the scores)."""
        return self.passfail is not None and self.passfail.evaluation.cut == self.threshold(pass_mark)


def cut_for(pass_mark: float, whole_scores: bool) -> float:
    """The cut on the continuous prediction that matches "scores below the pass mark". With whole-number
    scores, below 65 means 64 or less, so the cut is 64.5 (a prediction of 64.8 most likely ends at 65,
    a pass): without this correction, students given a 50 % chance failed a quarter of the time."""
    return float(np.ceil(pass_mark) - 0.5) if whole_scores else float(pass_mark)


def model_name(model) -> str:
    return type(model[-1] if isinstance(model, Pipeline) else model).__name__


def monotonic(spec: FeatureSpec) -> list[int]:
    """Per input: +1 when more never lowers the predicted score, -1 the other way, 0 free."""
    found = [1 if spec.roles.get(c) in INCREASING else -1 if spec.roles.get(c) in DECREASING else 0
             for c in spec.columns]
    return [0 if spec.kinds[c] == "category" else m for c, m in zip(spec.columns, found)]


def make_model(spec: FeatureSpec, rows: int):
    monotonic_cst = monotonic(spec)
    if rows <= FOREST_UP_TO:
        # A class or year group: a random forest. On the UCI files (395 / 649 students, 2 x 10-fold CV) it beat
        # boosted trees of every depth tried, e.g. maths without grades RMSE 3.87 vs 4.33. Categories go in as
        # codes (trees split them fine at this size); blanks are filled with the median, which monotonic
        # constraints require.
        forest = RandomForestRegressor(n_estimators=FOREST_TREES, min_samples_leaf=2, max_features=0.5,
                                       monotonic_cst=monotonic_cst, n_jobs=1, random_state=SEED)
        return Pipeline([("fill", SimpleImputer(strategy="median", keep_empty_features=True)), ("forest", forest)])
    return HistGradientBoostingRegressor(
        learning_rate=0.1, max_iter=300, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        categorical_features=spec.categorical if spec.categorical.any() else None, monotonic_cst=monotonic_cst,
        early_stopping=True, validation_fraction=0.1, n_iter_no_change=15, random_state=SEED)


class NoModel(ValueError):
    """The file cannot train a risk model; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """What a subject's model predicts: the column with its points, and its pass mark with the reason."""
    subject: str
    column: str
    pass_mark: float
    reason: str


def fit_risk(analysis: Analysis, target: Target | None = None, pass_mark: float | None = None) -> RiskModel:
    """Fit and cross-validate the risk model on a file with exam scores (or, with `target`, on one subject's
    marks: students without one are left out of fitting), and its pass/fail task at `pass_mark` (default: the
    model's default pass mark). One thread: measured here, at 6.6k rows a fit took 0.28 s on one thread and
    1.1 s with OpenMP on two busy cores."""
    with threadpool_limits(1):
        return _fit_risk(analysis, target, pass_mark)


def _fit_risk(analysis: Analysis, target: Target | None, pass_mark: float | None) -> RiskModel:
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
    whole = bool(np.all(y_all % 1 == 0))
    task_mark = mark if pass_mark is None else float(pass_mark)
    cut = cut_for(task_mark, whole)
    prev_cv = None if previous is None else previous[used]
    task, extras = pf.fit_passfail(X_all[used], y_all[used], cv.fold_of, cv.predictions["model"], prev_cv, cut,
                                   task_mark, spec, monotonic(spec), X_all[fit_rows], y_all[fit_rows] < cut,
                                   factory=make_classifier)
    raw = None
    if "classifier" in task.models:  # the classifier's log-odds for every student, from one that never saw them
        raw = np.empty(analysis.rows)
        raw[marked] = out_of_fold(X_all, used, extras["raw"], extras["fold_classifiers"], task.models["classifier"],
                                  fit_rows, SEED, predict=pf.log_odds)
        raw[unmarked] = pf.log_odds(task.models["classifier"], X_file, unmarked)
    previous_file = None if previous_col not in analysis.students else \
        analysis.students[previous_col].to_numpy(dtype=float)
    pf.score_file(task, marked[used], oof, previous_file, raw, errors)
    line = None
    if prev_cv is not None and np.ptp(pf.filled(prev_cv)) > 0:
        line = tuple(float(v) for v in np.polyfit(pf.filled(prev_cv), y_all[used], 1))
    return RiskModel(spec, model, fold_models, errors, cv, exam, (low, high), mark, reason, len(fit_rows),
                     round(time.perf_counter() - start, 3), analysis.dataset_id, analysis.filename, whole, oof,
                     "" if target is None else target.subject, len(unmarked), task, line)


def learnt_from(risk: RiskModel, analysis: Analysis) -> bool:
    """True for the file the model learnt from (its students are scored out of fold)."""
    return bool(risk.dataset_id) and analysis.dataset_id == risk.dataset_id


def predicted_scores(risk: RiskModel, analysis: Analysis, X: np.ndarray | None = None) -> np.ndarray:
    """Each student's predicted exam score. On the file the model learnt from, out of fold (kept from the fit;
    see out_of_fold); on another file, the final model's prediction."""
    same_file = learnt_from(risk, analysis)
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
    at_risk: np.ndarray  # flagged below the pass mark by the approach in use (see passfail.decision)
    actual: np.ndarray | None  # exam scores, when the file has them
    predicted_only: bool  # True when the file has no exam scores (next term's cohort)
    approach: str = "regression"  # which pass/fail approach gave the chances (passfail.LABELS)

    @property
    def at_risk_count(self) -> int:
        return int(self.at_risk.sum())


def score_cohort(risk: RiskModel, analysis: Analysis, pass_mark: float | None = None,
                 predicted: np.ndarray | None = None, memo: dict | None = None, own: bool | None = None,
                 X: np.ndarray | None = None) -> Scores:
    """The cohort scored for one pass mark; `memo` (a what-if context's) keeps it, since every cross-filter
    asks again and at 1M students the chances take ~60 ms. `own` says the file is the one the model learnt
    from (by default: the same dataset id); `X` is its model matrix, when the caller has it."""
    from analytics.predict.chances import cohort

    mark = risk.default_pass_mark if pass_mark is None else float(pass_mark)
    if memo is not None and ("scores", mark) in memo:
        return memo[("scores", mark)]
    predicted = predicted_scores(risk, analysis) if predicted is None else predicted
    exam = risk.exam_column if risk.subject else analysis.exam_column  # a subject's marks (NaN: no mark)
    actual = analysis.students[exam].to_numpy(dtype=float) if exam and exam in analysis.students else None
    own = learnt_from(risk, analysis) if own is None else own
    chance, flagged, approach = cohort(risk, analysis, predicted, mark, own, X, memo)
    scores = Scores(predicted, chance, mark, flagged, actual, actual is None, approach)
    if memo is not None:
        memo[("scores", mark)] = scores
    return scores
