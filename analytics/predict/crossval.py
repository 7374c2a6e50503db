"""The regression's cross-validation: out-of-fold predictions of the model and its two baselines (predict the
training folds' mean; a line on the previous score) from the same folds, and their errors."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

FOLDS = 5
SEED = 0


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
    y: np.ndarray | None = field(default=None, repr=False)  # their scores (what the pass/fail task reads)

    def metrics(self, y: np.ndarray, pass_mark: float) -> dict[str, Metrics]:
        return {name: score(y, pred, pass_mark) for name, pred in self.predictions.items()}


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
    return CrossValidation(folds, len(y), preds, fold_of, np.arange(len(y)), np.asarray(y, dtype=float)), models
