"""Each student's chance of ending below a pass mark, and whether they are flagged, from a risk model's
pass/fail task (passfail.py).

At the pass mark the task was fitted for (the model's default, or the one given on the command line) the
chosen approach answers: out of fold for the students the model learnt from, its final models for a new file.
A request never fits anything, so at another pass mark only the approaches that need nothing refitted are
compared, on the same folds: the regression's error spread and the line on the previous score read the same
way (chosen by the same rule, beside the majority class).
"""
from __future__ import annotations

import numpy as np

from analytics.predict import passfail as pf
from analytics.predict.features import encode


def evaluation_at(risk, mark: float, memo: dict | None = None) -> pf.Evaluation:
    """Every approach at `mark`, out of fold on the model's cross-validated students; memoised per cut."""
    cut = risk.threshold(mark)
    if risk.fitted_for(mark):
        return risk.passfail.evaluation
    key = ("evaluation", cut)
    if memo is not None and key in memo:
        return memo[key]
    cv = risk.cv
    line = cv.predictions.get("baseline_previous") if risk.previous_line is not None else None  # none if constant
    chances, decisions = pf.candidates_at(cut, cv.y, cv.fold_of, cv.predictions["model"], line)
    found = pf.evaluate(cut, float(mark), cv.y < cut, chances, decisions, cv.fold_of, refitted=False)
    if memo is not None:
        memo[key] = found
    return found


def previous_scores(analysis) -> np.ndarray | None:
    column = analysis.previous_column
    return analysis.students[column].to_numpy(dtype=float) if column and column in analysis.students else None


def cohort(risk, analysis, predicted: np.ndarray, mark: float, own: bool, X: np.ndarray | None = None,
           memo: dict | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(chance, flagged, approach) per student of `analysis` at `mark`. `own`: the file the model learnt from,
    whose students keep the out-of-fold values; `predicted` the scores as score_cohort has them."""
    cut = risk.threshold(mark)
    previous = previous_scores(analysis)
    if risk.fitted_for(mark):
        task = risk.passfail
        if own and task.out_of_fold is not None and len(task.out_of_fold) == analysis.rows:
            return task.out_of_fold, task.flagged, task.chosen
        if X is None and task.chosen in ("classifier", "blend"):
            X = encode(risk.spec, analysis)
        chance, name = task.chance(X, predicted, previous, risk.errors)
        return chance, pf.decision(name, chance, predicted, cut), name
    found = evaluation_at(risk, mark, memo)
    if found.chosen == "previous" and previous is not None and risk.previous_line is not None:
        cv = risk.cv
        slope, intercept = risk.previous_line
        line = slope * pf.filled(previous) + intercept
        if own and len(line) == analysis.rows:  # the cross-validated students keep their out-of-fold line
            line[cv.rows_used] = cv.predictions["baseline_previous"]
        chance = pf.regression_chance(np.sort(cv.y - cv.predictions["baseline_previous"]), cut, line)
        return chance, chance >= 0.5, "previous"
    return risk.chance_below(predicted, mark), np.asarray(predicted) < cut, "regression"


def final_log_odds(risk, X: np.ndarray, rows: np.ndarray, memo: dict | None) -> np.ndarray:
    """The final classifier's log-odds for X[rows], kept in `memo` per student (a what-if context's): every
    slider move asks about the same students before the change."""
    if memo is None:
        return pf.log_odds(risk.passfail.models["classifier"], X, rows)
    found = memo.get("log-odds")
    if found is None or len(found) != len(X):
        found = memo["log-odds"] = np.full(len(X), np.nan)
    missing = rows[np.isnan(found[rows])]
    if len(missing):
        found[missing] = pf.log_odds(risk.passfail.models["classifier"], X, missing)
    return found[rows]


def after_change(risk, mark: float, approach: str, X_before: np.ndarray, X_after: np.ndarray,
                 predicted_before: np.ndarray, predicted_after: np.ndarray, chance: np.ndarray,
                 raw_before: np.ndarray | None = None) -> np.ndarray:
    """Each student's chance after a what-if. The regression reads its errors at the new prediction; the
    classifier and the blend move the student's own chance by what their final models say the change does, on
    the log-odds scale, so no change moves nobody; the previous score alone is moved by no slider.
    `raw_before`: the final classifier's log-odds before the change, when the caller keeps them."""
    if approach == "regression":
        return risk.chance_below(predicted_after, mark)
    chance = np.asarray(chance, dtype=float)
    if approach == "previous" or not risk.fitted_for(mark) or not len(chance):
        return chance
    task, cut = risk.passfail, risk.threshold(mark)
    rows = np.arange(len(X_before))
    classifier = task.models["classifier"]
    if raw_before is None:
        raw_before = pf.log_odds(classifier, X_before, rows)

    def score(raw, predicted):
        return task.log_odds_from(pf.regression_chance(risk.errors, cut, predicted), None, raw)

    shift = score(pf.log_odds(classifier, X_after, rows), predicted_after) - score(raw_before, predicted_before)
    return np.where(shift == 0, chance, 1 / (1 + np.exp(-(pf.logit(chance) + shift))))
