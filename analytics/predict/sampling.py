"""Sampling for the risk model on a large file, and out-of-fold scores for every student (see risk.py)."""
from __future__ import annotations

import numpy as np

BLOCK = 65_536  # students predicted at once: their inputs stay in cache while every tree reads them


def _binned_predictor(model, raw: bool = False):
    """For a fitted HistGradientBoostingRegressor (or, with `raw`, a two-class HistGradientBoostingClassifier:
    its log-odds, decision_function), a function that predicts a block of rows the way the model
    scores its own validation set during fit: the block binned once with the model's own bin mapper (one byte
    per cell), then every tree read on the bytes. A value falls in bin b exactly when it lies below the
    threshold the tree stores for b, so this is model.predict to the last bit (tests/test_risk.py checks it);
    it is ~2x faster, and the block is checked and reordered once instead of once per tree. None for any other
    model, or a scikit-learn whose internals differ: then model.predict."""
    needed = ("_preprocess_X", "_bin_mapper", "_predictors", "_baseline_prediction", "_predict_iterations", "_loss")
    kinds = ("HistGradientBoostingRegressor",) + (("HistGradientBoostingClassifier",) if raw else ())
    if type(model).__name__ not in kinds or not all(hasattr(model, a) for a in needed):
        return None
    if getattr(model, "n_trees_per_iteration_", 1) != 1:
        return None
    try:  # the thread count model.predict would use (it follows threadpoolctl's limits)
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    except ImportError:
        return None

    def predict(X: np.ndarray) -> np.ndarray:
        binned = model._bin_mapper.transform(model._preprocess_X(X, reset=False))
        scores = np.zeros((len(binned), 1), dtype=model._baseline_prediction.dtype, order="F")
        scores += model._baseline_prediction
        model._predict_iterations(binned, model._predictors, scores, True, _openmp_effective_n_threads())
        return scores.ravel() if raw else model._loss.link.inverse(scores.ravel())

    return predict


def predict_rows(model, X: np.ndarray, rows: np.ndarray, raw: bool = False) -> np.ndarray:
    """model.predict(X[rows]) (with `raw`, model.decision_function) a block at a time (~25 % faster at 500k rows,
    and no copy of the whole matrix); boosted trees on binned rows (see _binned_predictor)."""
    predict = _binned_predictor(model, raw) or (model.decision_function if raw else model.predict)
    out = np.empty(len(rows))
    for start in range(0, len(rows), BLOCK):
        out[start:start + BLOCK] = predict(X[rows[start:start + BLOCK]])
    return out


def sample_rows(y: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Sorted positions of `size` students stratified by exam score: the file in score order (ties in random
    order) is cut into `size` runs of equal length and one student is drawn at random from each, so the
    sample's score distribution, pass rate and errors follow the file's. Every student when size >= n."""
    n = len(y)
    if size >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    by_score = np.lexsort((rng.random(n), y))
    starts = np.arange(size + 1) * n // size  # whole-number run boundaries, so no student is drawn twice
    picks = starts[:-1] + (rng.random(size) * np.diff(starts)).astype(np.int64)
    return np.sort(by_score[picks])


def out_of_fold(X: np.ndarray, cv_rows: np.ndarray, cv_predictions: np.ndarray, fold_models: list, model,
                fit_rows: np.ndarray, seed: int, predict=predict_rows) -> np.ndarray:
    """A prediction per student from a model that never saw them: the cross-validated students keep their
    out-of-fold prediction; the other students of the final fit (`fit_rows`, which include `cv_rows`) get the
    model of a fold drawn at random, fitted on the cross-validation sample only; everyone else the final
    `model`. One prediction per student, so scoring costs one pass over the file. `predict(model, X, rows)`
    (default predict_rows) reads a model: a classifier's log-odds for the pass/fail task."""
    out = np.empty(len(X))
    out[cv_rows] = cv_predictions
    seen = np.zeros(len(X), dtype=bool)
    seen[fit_rows] = True
    extra = np.flatnonzero(seen)
    extra = extra[~np.isin(extra, cv_rows, assume_unique=True)]
    fold = np.random.default_rng(seed).integers(0, len(fold_models), len(extra))
    for k, fold_model in enumerate(fold_models):
        if (fold == k).any():
            out[extra[fold == k]] = predict(fold_model, X, extra[fold == k])
    never = np.flatnonzero(~seen)
    if len(never):
        out[never] = predict(model, X, never)
    return out
