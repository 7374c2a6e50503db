"""Pass/fail as a task of its own: each student's chance of ending below the pass mark comes from whichever
approach cross-validates best for that purpose on this file, scored on the regression's own folds.

Candidates, each scored out of fold (every meta-step is fitted on the other folds only):
- regression: the regression's out-of-fold prediction; the chance is the share of the other folds' errors that
  would put the student below the pass mark (the method before pass/fail had a task of its own);
- classifier: a classifier of "below the pass mark" (a random forest up to FOREST_UP_TO students, boosted trees
  above, with the regression's monotonic constraints turned round), its probability calibrated with a sigmoid
  fitted on the other folds' out-of-fold probabilities (CalibratedClassifierCV with ensemble=False, on the
  folds already there instead of a second round of fits);
- blend: a logistic regression on the log-odds of the regression's chance and of the classifier's probability,
  and the previous score (on the Kaggle file the regression's log-odds kept its deciles calibrated within 4.3
  points where its raw prediction left one 5.5 points out);
- previous: a logistic regression on the previous score alone, which is also a baseline.
The baselines are the majority class of the training folds and the previous score alone. The chosen approach
has the lowest Brier score among those whose accuracy and AUC are each at least the better baseline's; since
the previous-score rule is a candidate, it is chosen when nothing beats it (unless it is below the majority
class, when the lowest Brier score wins and the reason says so).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics.predict.sampling import predict_rows
from analytics.predict.selection import (BASELINES, LABELS, Evaluation, candidates_at,  # noqa: F401
                                        evaluate, regression_chance)

MIN_EACH_SIDE = 10  # a classifier needs this many cross-validated students on each side of the pass mark
FOREST_UP_TO = 1_000  # as the regression (risk.FOREST_UP_TO)
FOREST_TREES = 150  # see risk.FOREST_TREES
EDGE = 1e-4  # probabilities are kept inside (EDGE, 1 - EDGE) before taking log-odds
LIMIT = float(np.log((1 - EDGE) / EDGE))  # so log-odds stay within +-LIMIT


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EDGE, 1 - EDGE)
    return np.log(p / (1 - p))


def make_classifier(spec, rows: int, monotonic: list[int]):
    """A classifier of "below the pass mark". The regression's constraints turn round: more attendance never
    raises the chance of falling below."""
    towards_below = [-m for m in monotonic]
    if rows <= FOREST_UP_TO:
        # leaves of five or more students keep the forest's probabilities from running to 0 and 1
        forest = RandomForestClassifier(n_estimators=FOREST_TREES, min_samples_leaf=5, max_features=0.5, n_jobs=1,
                                        monotonic_cst=towards_below, random_state=0)
        return Pipeline([("fill", SimpleImputer(strategy="median", keep_empty_features=True)), ("forest", forest)])
    return HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=300, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        categorical_features=spec.categorical if spec.categorical.any() else None, monotonic_cst=towards_below,
        early_stopping=True, validation_fraction=0.1, n_iter_no_change=15, random_state=0)


def _logistic():
    # Two or three inputs leave little to overfit: the default shrinkage (C=1) moved the maths file's cut on the
    # previous grade away from 9.5 in some folds (5-fold accuracy 90.1 % where the cut at 9.5 gives 91.9 %).
    return make_pipeline(StandardScaler(), LogisticRegression(C=100.0))


def probability(model, Z: np.ndarray) -> np.ndarray:
    """P(below) from a fitted classifier whose positive class is True (a fold may have seen one class only)."""
    classes = list(model.classes_)
    return model.predict_proba(Z)[:, classes.index(True)] if True in classes else np.zeros(len(Z))


def _cross_fit(fold_of: np.ndarray, below: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """A logistic regression of `below` on `Z`, each fold's chance from the model of the other folds."""
    out = np.empty(len(below))
    for k in np.unique(fold_of):
        test = fold_of == k
        train = ~test
        if below[train].all() or not below[train].any():
            out[test] = float(below[train].mean())
        else:
            out[test] = probability(_logistic().fit(Z[train], below[train]), Z[test])
    return out


def filled(previous: np.ndarray, median: float | None = None) -> np.ndarray:
    """The previous score with blanks at the median (its own, or the training file's): a logistic regression
    takes no blanks."""
    previous = np.asarray(previous, dtype=float)
    if median is None:
        median = float(np.nanmedian(previous)) if np.isfinite(previous).any() else 0.0
    return np.where(np.isnan(previous), median, previous)


@dataclass
class PassFail:
    """The pass/fail task at one pass mark: its evaluation, the chosen approach's chance for every student of
    the file it learnt from (out of fold), and what it needs to give a chance to new students."""
    evaluation: Evaluation
    out_of_fold: np.ndarray | None = field(default=None, repr=False)  # chance per student of the training file
    flagged: np.ndarray | None = field(default=None, repr=False)  # decision per student of the training file
    models: dict = field(default_factory=dict, repr=False)  # the chosen approach's final models
    fit_seconds: float = 0.0

    @property
    def mark(self) -> float:
        return self.evaluation.mark

    @property
    def chosen(self) -> str:
        return self.evaluation.chosen

    def chance(self, X: np.ndarray | None, predicted: np.ndarray, previous: np.ndarray | None,
               errors: np.ndarray) -> tuple[np.ndarray, str]:
        """The chosen approach's chance for new students (a file it did not learn from) and the approach used:
        `predicted` is the final regression's prediction, `errors` the regression's sorted out-of-fold errors.
        Without the previous score the approach needs, the regression's."""
        name, m = self.chosen, self.models
        needs_previous = name == "previous" or (name == "blend" and m.get("uses_previous"))
        if name == "regression" or (needs_previous and previous is None):
            return regression_chance(errors, self.evaluation.cut, predicted), "regression"
        raw = None if name == "previous" else log_odds(m["classifier"], X, np.arange(len(X)))
        return self.from_inputs(regression_chance(errors, self.evaluation.cut, predicted), previous, raw), name

    def from_inputs(self, regression: np.ndarray, previous: np.ndarray | None, raw: np.ndarray | None) -> np.ndarray:
        """The chosen approach's final step (previous-score logistic, calibration or blend) on its inputs: the
        regression's chance, the previous score and the classifier's log-odds."""
        return 1 / (1 + np.exp(-self.log_odds_from(regression, previous, raw)))

    def log_odds_from(self, regression: np.ndarray, previous: np.ndarray | None, raw: np.ndarray | None) -> np.ndarray:
        """As from_inputs, on the log-odds scale (where a what-if moves a student's chance)."""
        name, m = self.chosen, self.models
        if name == "previous":
            return m["previous"].decision_function(filled(previous, m["previous_median"])[:, None])
        if name == "classifier":
            return m["calibrator"].decision_function(raw[:, None])
        if previous is None:  # a what-if: the previous score is no lever, and its term cancels in a difference
            previous = np.full(len(raw), m["previous_median"] or 0.0)
        columns = [logit(regression), raw] + ([filled(previous, m["previous_median"])] if m.get("uses_previous")
                                              else [])
        return m["blend"].decision_function(np.column_stack(columns))

def decision(name: str, chance: np.ndarray, predicted: np.ndarray, cut: float) -> np.ndarray:
    """Flagged as below: for the regression its prediction under the cut (as it always was), for the other
    approaches more likely below than not."""
    return np.asarray(predicted) < cut if name == "regression" else np.asarray(chance) >= 0.5


def log_odds(model, X: np.ndarray, rows: np.ndarray, block: int = 65_536) -> np.ndarray:
    """A classifier's log-odds of "below" for X[rows], a block at a time (no copy of a large file's matrix);
    boosted trees read their own log-odds on binned rows (sampling.predict_rows: at 660k students, 2.2 s of
    probabilities became ~1 s), kept within the same limits as logit."""
    if type(model).__name__ == "HistGradientBoostingClassifier" and list(model.classes_) == [False, True]:
        return np.clip(predict_rows(model, X, rows, raw=True), -LIMIT, LIMIT)
    out = np.empty(len(rows))
    for start in range(0, len(rows), block):
        out[start:start + block] = logit(probability(model, X[rows[start:start + block]]))
    return out


def score_file(task: PassFail, cv_rows: np.ndarray, predicted: np.ndarray, previous: np.ndarray | None,
               raw: np.ndarray | None, errors: np.ndarray) -> None:
    """Every student of the training file gets the chosen approach's chance and decision: the cross-validated
    students their out-of-fold chance, the others the final step on inputs from models that never saw them
    (`predicted` and `raw`, the classifier's log-odds, out of fold as sampling.out_of_fold gives them). The
    regression's chance reads all the cross-validated errors for everyone, so a higher prediction never has a
    higher chance."""
    ev = task.evaluation
    if ev.chosen == "regression":
        chance = regression_chance(errors, ev.cut, predicted)
    else:
        chance = np.empty(len(predicted))
        rest = np.setdiff1d(np.arange(len(predicted)), cv_rows, assume_unique=True)
        chance[cv_rows] = ev.chances[ev.chosen]
        if len(rest):
            chance[rest] = task.from_inputs(regression_chance(errors, ev.cut, predicted[rest]),
                                            None if previous is None else previous[rest],
                                            None if raw is None else raw[rest])
    task.out_of_fold, task.flagged = chance, decision(ev.chosen, chance, predicted, ev.cut)


def fit_passfail(X: np.ndarray, y: np.ndarray, fold_of: np.ndarray, regression: np.ndarray,
                 previous: np.ndarray | None, cut: float, mark: float, spec, monotonic: list[int],
                 fit_X: np.ndarray | None = None, fit_below: np.ndarray | None = None, classifier: bool = True,
                 final: bool = True, factory=None) -> tuple[PassFail, dict]:
    """Score every candidate on the cross-validated students (X, y, their folds and the regression's out-of-fold
    prediction), choose, and fit the chosen approach's final models: its classifier on `fit_X`/`fit_below`
    (default: the cross-validated students), its calibration on the out-of-fold values. Returns the PassFail
    (without the per-student chances of the whole file: see score_file) and the fold classifiers. A protocol
    that scores one approach on many folds skips the classifier (`classifier=False`) or the final models.
    `factory(spec, rows, monotonic)` makes the classifier (default make_classifier)."""
    factory = factory or make_classifier
    start = time.perf_counter()
    below = y < cut
    chances, decisions = candidates_at(cut, y, fold_of, regression, None)
    prev = None if previous is None or np.ptp(filled(previous)) == 0 else filled(previous)
    if prev is not None:
        chances["previous"] = _cross_fit(fold_of, below, prev[:, None])
        decisions["previous"] = chances["previous"] >= 0.5
    fold_classifiers, raw = [], None
    if classifier and min(below.sum(), len(below) - below.sum()) >= MIN_EACH_SIDE:
        raw = np.empty(len(y))
        for k in np.unique(fold_of):
            test = fold_of == k
            model = factory(spec, int((~test).sum()), monotonic).fit(X[~test], below[~test])
            fold_classifiers.append(model)
            raw[test] = log_odds(model, X, np.flatnonzero(test))
        chances["classifier"] = _cross_fit(fold_of, below, raw[:, None])
        blend = np.column_stack([logit(chances["regression"]), raw] + ([prev] if prev is not None else []))
        chances["blend"] = _cross_fit(fold_of, below, blend)
        for name in ("classifier", "blend"):
            decisions[name] = chances[name] >= 0.5
    evaluation = evaluate(cut, mark, below, chances, decisions, fold_of)
    models: dict = {"uses_previous": prev is not None,
                    "previous_median": None if prev is None else float(np.nanmedian(previous))}
    chosen = evaluation.chosen if final else None
    if chosen == "previous":
        models["previous"] = _logistic().fit(prev[:, None], below)
    elif chosen in ("classifier", "blend"):
        fit_X, fit_below = (X, below) if fit_X is None else (fit_X, fit_below)
        models["classifier"] = factory(spec, len(fit_X), monotonic).fit(fit_X, fit_below)
        models["calibrator"] = _logistic().fit(raw[:, None], below)
        if chosen == "blend":
            models["blend"] = _logistic().fit(blend, below)
    passfail = PassFail(evaluation, models=models)
    passfail.fit_seconds = round(time.perf_counter() - start, 3)
    return passfail, {"fold_classifiers": fold_classifiers, "raw": raw}
