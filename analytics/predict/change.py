"""The smallest change that lifts one student's predicted score to the pass mark, and that change in words."""
from __future__ import annotations

import itertools

import numpy as np

from analytics.predict.risk import RiskModel
from analytics.predict.whatif import Lever


def smallest_change(risk: RiskModel, X_row: np.ndarray, predicted: float, pass_mark: float,
                    found: list[Lever], steps: int = 3) -> dict | None:
    """The cheapest change (sum of each lever's move as a share of its range) that lifts the student's
    predicted score to at least the pass mark shown, searched over a grid within plausible ranges: every lever alone at
    fine steps, then every combination at `steps` steps. None when no such change exists."""
    room = []
    for lever in found:
        current = X_row[lever.index]
        if np.isnan(current) or not lever.direction:
            continue
        limit = (lever.high - current) if lever.direction > 0 else (current - lever.low)
        limit = min(limit, lever.span)
        if limit > 0:
            room.append((lever, limit))
    if not room:
        return None

    def grid(limit: float, lever: Lever, count: int) -> np.ndarray:
        values = np.linspace(0, limit, count + 1)
        return np.unique(np.round(values / lever.step) * lever.step) if lever.step else values

    # Each candidate is a row of moves (>= 0, in each lever's good direction): none, every lever alone at
    # fine steps, then every combination of coarse steps.
    width = len(room)
    singles = [np.zeros((1, width))]
    for i, (lever, limit) in enumerate(room):
        fine = grid(limit, lever, 12)[1:]
        block = np.zeros((len(fine), width))
        block[:, i] = fine
        singles.append(block)
    combos = np.array(list(itertools.product(*[grid(limit, lever, steps) for lever, limit in room])))
    combos = combos[(combos > 0).sum(axis=1) > 1]
    moves = np.vstack(singles + ([combos] if len(combos) else []))
    rows = np.repeat(X_row[None, :], len(moves), axis=0)
    for i, (lever, _) in enumerate(room):
        rows[:, lever.index] = np.clip(X_row[lever.index] + lever.direction * moves[:, i], lever.low, lever.high)
    out = risk.model.predict(rows)
    after = np.clip(predicted + out - out[0], *risk.score_range)
    cost = moves @ np.array([1 / (lever.high - lever.low) for lever, _ in room])
    # aim at the mark the user sees, not only the rounding cut below it: "lifts to 65.6" beside a pass mark
    # of 65.7 reads as falling short even when whole-number scores would round it up
    ok = np.flatnonzero(after >= max(pass_mark, risk.threshold(pass_mark)))
    if not len(ok):
        return None
    best = ok[np.argmin(cost[ok])]
    changes = {lever.role: float(lever.direction * moves[best, i]) for i, (lever, _) in enumerate(room)
               if moves[best, i] > 0}
    labels = {lever.role: lever for lever, _ in room}
    return {"changes": changes, "predicted": float(after[best]), "cost": float(cost[best]),
            "words": [describe_change(labels[r], v, X_row[labels[r].index]) for r, v in changes.items()]}


def describe_change(lever: Lever, delta: float, current: float) -> str:
    if lever.levels:
        now = lever.levels[int(round(current - lever.low))]
        then = lever.levels[int(round(np.clip(current + delta, lever.low, lever.high) - lever.low))]
        return f"{lever.label.lower()} from {now} to {then}"
    sign = "+" if delta > 0 else "−"
    return f"{lever.label.lower()} {sign}{abs(delta):g} {lever.unit} ({current:g} → {current + delta:g})"
