"""How good a chance of ending below the pass mark is, out of fold: accuracy, AUC and Brier score, each with
its 95 % interval and the number of students it rests on; the reliability table (predicted chance against
the share that did end below, by decile); and paired comparisons with a baseline on the same students.

Intervals are closed-form, so a request can recompute them for any pass mark: Wilson's for accuracy and
the observed shares, DeLong's for the AUC (and for the difference of two AUCs on the same students), the
normal interval of a mean for the Brier score and for paired differences. On a class-sized file they are
wide, and the words beside them say so (see SMALL).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

Z = 1.96  # 95 % intervals
SMALL = 200  # below this many students, figures move a lot between samples and the panel warns
DECILES = 10


@dataclass(frozen=True)
class Quality:
    """One way of giving each student a chance below the pass mark, scored out of fold on `n` students."""
    n: int
    below: int  # students who did end below the pass mark
    accuracy: float  # share whose "below / not below" decision was right
    accuracy_ci: tuple[float, float]
    auc: float | None  # None when every student is on one side of the pass mark, or the chance is constant
    auc_ci: tuple[float, float] | None
    brier: float  # mean squared gap between the chance and what happened (0 or 1); lower is better
    brier_ci: tuple[float, float]

    def to_dict(self) -> dict:
        return {"n": self.n, "below": self.below, "accuracy": self.accuracy, "accuracy_ci": list(self.accuracy_ci),
                "auc": self.auc, "auc_ci": None if self.auc_ci is None else list(self.auc_ci), "brier": self.brier,
                "brier_ci": list(self.brier_ci)}


def wilson(k: float, n: int) -> tuple[float, float]:
    """Wilson's 95 % interval of a share k/n (sensible at 0 and n, unlike the normal one)."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def mean_ci(values: np.ndarray) -> tuple[float, float]:
    """The normal 95 % interval of a mean."""
    values = np.asarray(values, dtype=float)
    half = Z * values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.inf
    return float(values.mean() - half), float(values.mean() + half)


def delong(below: np.ndarray, *chances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The AUC of each chance (higher = more likely below) and their covariance matrix, by DeLong's method
    (the fast midrank form of Sun and Xu, 2014)."""
    scores = np.vstack(chances).astype(float)
    pos, neg = scores[:, below], scores[:, ~below]
    m, n = pos.shape[1], neg.shape[1]
    tx = np.apply_along_axis(rankdata, 1, pos)
    ty = np.apply_along_axis(rankdata, 1, neg)
    tz = np.apply_along_axis(rankdata, 1, np.hstack([pos, neg]))
    aucs = (tz[:, :m].sum(axis=1) / m - (m + 1) / 2) / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1 - (tz[:, m:] - ty) / m
    cov = np.atleast_2d(np.cov(v01)) / m + np.atleast_2d(np.cov(v10)) / n
    return aucs, cov


def has_order(below: np.ndarray, chance: np.ndarray) -> bool:
    """An AUC means something: both outcomes occur and the chance is not one number for everyone."""
    return 0 < below.sum() < len(below) and np.ptp(chance) > 0


def quality(chance: np.ndarray, decision: np.ndarray, below: np.ndarray, ranks: bool = True) -> Quality:
    """The scores of one chance and its decision (flagged as below) against what happened. A rule that
    `ranks` nobody (the majority class: one chance per fold) has an AUC of one half exactly."""
    chance, below = np.asarray(chance, dtype=float), np.asarray(below, dtype=bool)
    n, right = len(below), int(np.sum(np.asarray(decision, dtype=bool) == below))
    squared = (chance - below) ** 2
    auc = auc_ci = None
    if not ranks:
        auc, auc_ci = (0.5, (0.5, 0.5)) if 0 < below.sum() < n else (None, None)
    elif has_order(below, chance) and min(below.sum(), n - below.sum()) > 1:
        aucs, cov = delong(below, chance)
        auc, half = float(aucs[0]), Z * float(np.sqrt(max(cov[0, 0], 0.0)))
        auc_ci = (max(0.0, auc - half), min(1.0, auc + half))
    return Quality(n, int(below.sum()), right / n if n else 0.0, wilson(right, n), auc, auc_ci,
                   float(squared.mean()) if n else 0.0, mean_ci(squared))


def reliability(chance: np.ndarray, below: np.ndarray, bins: int = DECILES) -> list[dict]:
    """Students in order of their chance, cut into `bins` groups of equal size: each group's mean chance beside
    the share of it that did end below the pass mark (with its Wilson interval)."""
    order = np.argsort(chance, kind="stable")
    out = []
    for k, part in enumerate(np.array_split(order, min(bins, len(order)))):
        if not len(part):
            continue
        observed = int(below[part].sum())
        low, high = wilson(observed, len(part))
        out.append({"decile": k + 1, "students": int(len(part)), "predicted": float(chance[part].mean()),
                    "observed": observed / len(part), "observed_low": low, "observed_high": high})
    return out


@dataclass(frozen=True)
class Difference:
    """One metric of the chosen approach minus a baseline's, on the same students, with its 95 % interval."""
    metric: str  # "accuracy", "auc" or "brier"
    value: float
    ci: tuple[float, float]

    @property
    def verdict(self) -> str:
        """"better", "worse" or "same" (the interval holds no difference), for the chosen approach."""
        sign = -1 if self.metric == "brier" else 1  # a lower Brier score is better
        low, high = sorted((sign * self.ci[0], sign * self.ci[1]))
        return "better" if low > 0 else "worse" if high < 0 else "same"


def differences(below: np.ndarray, chosen: tuple[np.ndarray, np.ndarray],
                other: tuple[np.ndarray, np.ndarray], other_ranks: bool = True) -> dict[str, Difference]:
    """Paired differences (chosen - other) in accuracy, AUC and Brier score; each of (chance, decision). An
    `other` that ranks nobody has an AUC of one half."""
    below = np.asarray(below, dtype=bool)
    (c1, d1), (c2, d2) = chosen, other
    out = {}
    right = (np.asarray(d1) == below).astype(float) - (np.asarray(d2) == below).astype(float)
    out["accuracy"] = Difference("accuracy", float(right.mean()), mean_ci(right))
    squared = (c1 - below) ** 2 - (c2 - below) ** 2
    out["brier"] = Difference("brier", float(squared.mean()), mean_ci(squared))
    if has_order(below, c1) and min(below.sum(), len(below) - below.sum()) > 1:
        if other_ranks and has_order(below, c2):
            aucs, cov = delong(below, c1, c2)
            var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
        else:  # a constant chance ranks no one: AUC one half, known exactly
            aucs, cov = delong(below, c1)
            aucs, var = np.array([aucs[0], 0.5]), cov[0, 0]
        value, half = float(aucs[0] - aucs[1]), Z * float(np.sqrt(max(var, 0.0)))
        out["auc"] = Difference("auc", value, (value - half, value + half))
    return out
