"""Which way of giving each student a chance below the pass mark to use: every candidate scored out of fold on
the same students and folds, the majority class beside them, and the choice (see passfail.py for the rule)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analytics.predict.calibration import Quality, quality

LABELS = {"regression": "Regression's error spread", "classifier": "Calibrated classifier",
          "blend": "Blend of regression, classifier and previous score", "previous": "Previous score alone",
          "majority": "Majority class"}
BASELINES = ("majority", "previous")

def regression_chance(errors: np.ndarray, cut: float, predicted: np.ndarray) -> np.ndarray:
    """P(score < cut) for each prediction: the share of the (sorted) errors below cut - prediction."""
    below = np.searchsorted(errors, cut - np.asarray(predicted, dtype=float), side="left")
    return below / max(1, len(errors))


@dataclass
class Evaluation:
    """Every candidate and baseline at one pass mark, out of fold on the cross-validated students."""
    mark: float
    cut: float  # the cut on the score that "below the pass mark" means (see RiskModel.threshold)
    chosen: str
    reason: str
    qualities: dict[str, Quality]
    chances: dict[str, np.ndarray] = field(repr=False)  # name -> out-of-fold chance per cross-validated student
    decisions: dict[str, np.ndarray] = field(repr=False)  # name -> flagged as below, per cross-validated student
    below: np.ndarray = field(repr=False)  # who did end below
    refitted: bool = True  # False: at a pass mark other than the one the classifiers were fitted for

    @property
    def candidates(self) -> list[str]:
        return [name for name in self.qualities if name != "majority"]

    def strongest(self) -> dict[str, str]:
        """The strongest baseline on each metric (the majority class ranks nobody: its AUC is one half)."""
        base = [b for b in BASELINES if b in self.qualities]
        return {"accuracy": max(base, key=lambda b: self.qualities[b].accuracy),
                "auc": max(base, key=lambda b: self.qualities[b].auc or 0.5),
                "brier": min(base, key=lambda b: self.qualities[b].brier)}


def choose(qualities: dict[str, Quality], candidates: list[str]) -> tuple[str, str]:
    """The candidate with the lowest Brier score among those at least as accurate, and with at least the AUC,
    of the better baseline on each; (name, why in words)."""
    base = [qualities[b] for b in BASELINES if b in qualities]
    accuracy = max(q.accuracy for q in base)
    auc = max(q.auc or 0.5 for q in base)
    fit = [c for c in candidates if qualities[c].accuracy >= accuracy - 1e-12 and (qualities[c].auc or 0.5)
           >= auc - 1e-12]
    pool = fit or candidates
    chosen = min(pool, key=lambda c: qualities[c].brier)  # ties: the earlier (simpler) candidate
    if fit:
        why = (f"the lowest Brier score ({qualities[chosen].brier:.3f}) of the approaches at least as accurate as "
               "the better baseline and with at least its AUC")
    else:
        why = (f"no approach matched the better baseline on both accuracy and AUC, so the lowest Brier score "
               f"({qualities[chosen].brier:.3f})")
    return chosen, why


def evaluate(cut: float, mark: float, below: np.ndarray, chances: dict, decisions: dict, fold_of: np.ndarray,
             refitted: bool = True) -> Evaluation:
    """Score every candidate, add the majority class, choose."""
    chances, decisions = dict(chances), dict(decisions)
    rate = np.empty(len(below))
    for k in np.unique(fold_of):  # the training folds' share below, as every baseline learns it
        rate[fold_of == k] = below[fold_of != k].mean() if (fold_of != k).any() else below.mean()
    chances["majority"], decisions["majority"] = rate, rate >= 0.5
    qualities = {name: quality(chances[name], decisions[name], below, ranks=name != "majority") for name in chances}
    chosen, reason = choose(qualities, [c for c in chances if c != "majority"])
    return Evaluation(mark, cut, chosen, reason, qualities, chances, decisions, below, refitted)


def candidates_at(cut: float, y: np.ndarray, fold_of: np.ndarray, regression: np.ndarray,
                  previous: np.ndarray | None) -> tuple[dict, dict]:
    """The candidates that need nothing fitted for a new pass mark: the regression's error spread and, when
    there is a previous score, the line on it read the same way (chance, decision) per student."""
    chances, decisions = {}, {}
    sources = {"regression": regression}
    if previous is not None:
        sources["previous"] = previous
    for name, predicted in sources.items():
        chance = np.empty(len(y))
        for k in np.unique(fold_of):
            test = fold_of == k
            chance[test] = regression_chance(np.sort(y[~test] - predicted[~test]), cut, predicted[test])
        chances[name] = chance
        decisions[name] = predicted < cut if name == "regression" else chance >= 0.5
    return chances, decisions
