"""What-if: move the actionable factors for a group or one student and read the predicted change.

Changes are clipped to the range seen in the cohort (nobody gets 110 % attendance or a fourth motivation
level) and every answer says how many students were clipped. The uncertainty band is the spread of the
same what-if across the cross-validation models, each trained on a different 80 % of the students.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.schema import ROLE_BY_NAME
from analytics.predict.chances import after_change, final_log_odds
from analytics.predict.features import encode
from analytics.predict.risk import RiskModel, Scores
from analytics.results import PERSONA, Analysis

# (role, slider label, unit, good direction); in slider order. Sleep has no good direction (too little and
# too much both go with lower scores), so the model is free there and the smallest-change search skips it.
ACTIONABLE = [
    ("attendance", "Attendance", "points", 1),
    ("absences", "Absences", "days", -1),
    ("hours_studied", "Hours studied", "hours", 1),
    ("tutoring", "Tutoring sessions", "sessions", 1),
    ("sleep_hours", "Sleep", "hours", 0),
    ("motivation", "Motivation", "levels", 1),
    ("parental_involvement", "Parental involvement", "levels", 1),
    ("access_to_resources", "Access to resources", "levels", 1),
    ("homework", "Homework completion", "points", 1),
    ("behaviour", "Behaviour points", "points", -1),
]


@dataclass
class Lever:
    role: str
    label: str
    unit: str
    direction: int  # +1: more is better for the student, -1: less is, 0: neither
    index: int  # column in the model matrix
    low: float  # plausible range: what the cohort shows
    high: float
    span: float  # the slider goes from -span to +span
    step: float
    levels: list[str] = field(default_factory=list)  # names of ordinal levels, low to high


def _level_names(role: str, low: float, high: float) -> list[str]:
    names: dict[float, str] = {}
    for text, value in ROLE_BY_NAME[role].levels.items():
        if not text.isdigit() and len(text) > 1:
            names.setdefault(float(value), text.title())
    found = [names.get(float(v)) for v in np.arange(low, high + 1)]
    return found if all(found) else []


def levers(risk: RiskModel, X: np.ndarray) -> list[Lever]:
    """The sliders this model and cohort support, with plausible ranges from the cohort (`X`)."""
    out = []
    for role, label, unit, direction in ACTIONABLE:
        column = risk.spec.role_column(role)
        if column is None or risk.spec.kinds[column] != "number":
            continue
        j = risk.spec.columns.index(column)
        values = X[:, j][~np.isnan(X[:, j])]
        if values.size == 0 or values.min() == values.max():
            continue
        low, high = float(values.min()), float(values.max())
        whole = bool(np.all(values % 1 == 0))
        levels = _level_names(role, low, high) if whole and high - low <= 4 else []
        if levels:
            span, step = high - low, 1.0
        else:
            span = float(np.ceil((high - low) / 2)) if whole else round((high - low) / 2, 1)
            step = 1.0 if whole else round(span / 10, 2) or 0.1
        out.append(Lever(role, label, "levels" if levels else unit, direction, j, low, high, span, step, levels))
    return out


def apply(X: np.ndarray, found: list[Lever], changes: dict[str, float]) -> tuple[np.ndarray, dict[str, int]]:
    """X with the changes added, clipped to each lever's range; and, per lever that clipped anyone, how many
    students it held at the edge of the range.
    With no change, X itself (no copy: at 1M students that is 150 MB per slider event)."""
    if not any(float(changes.get(lever.role) or 0) for lever in found):
        return X, {}
    changed, clipped = X.copy(), {}
    for lever in found:
        delta = float(changes.get(lever.role) or 0)
        if not delta:
            continue
        delta = max(-lever.span, min(lever.span, delta))
        moved = X[:, lever.index] + delta
        within = np.clip(moved, lever.low, lever.high)
        held = int(np.sum((moved != within) & ~np.isnan(moved)))
        if held:  # only levers that held someone back: a note about a lever that clipped nobody is false
            clipped[lever.label] = held
        changed[:, lever.index] = within
    return changed, clipped


@dataclass
class Scenario:
    students: int
    changes: dict[str, float]
    mean_before: float
    mean_after: float
    band: tuple[float, float]  # mean change, lowest and highest across the cross-validation models
    below_before: int
    below_after: int
    lifted: int  # predicted below the pass mark before, at or above after
    dropped: int  # the other way
    by_persona: pd.DataFrame  # persona, students, mean change, lifted, dropped
    clipped: dict[str, int]
    predicted_after: np.ndarray = field(repr=False)
    sampled: bool = False  # counts scaled up from a seeded sample of SCENARIO_SAMPLE students

    @property
    def mean_change(self) -> float:
        return self.mean_after - self.mean_before


BAND_SAMPLE = 1_000  # students per model for the uncertainty band
SCENARIO_SAMPLE = 20_000  # above this many students in view, the what-if reads a seeded sample of them


@dataclass
class Context:
    """What every what-if on one cohort reuses: the model matrix, today's predictions, the final model's own
    prediction for every student (a slider move then predicts only the changed rows) and the fold models'
    predictions for a seeded sample (the band)."""
    risk: RiskModel
    X: np.ndarray = field(repr=False)
    predicted: np.ndarray = field(repr=False)  # today's prediction shown to users (out of fold on its own file)
    base: np.ndarray = field(repr=False)  # the final model's prediction on X
    band_rows: np.ndarray = field(repr=False)  # sorted sample of students for the band
    band_base: list = field(repr=False)  # per fold model: prediction on X[band_rows]
    levers: list[Lever]
    personas: np.ndarray | None = field(repr=False)
    memo: dict = field(default_factory=dict, repr=False)  # per-student explanations, flags per pass mark


def prepare(risk: RiskModel, analysis: Analysis, predicted: np.ndarray, seed: int = 0) -> Context:
    X = encode(risk.spec, analysis)
    n = len(X)
    band_rows = np.arange(n) if n <= 5 * BAND_SAMPLE else np.sort(
        np.random.default_rng(seed).choice(n, 5 * BAND_SAMPLE, replace=False))
    band_base = [model.predict(X[band_rows]) for model in risk.fold_models]
    personas = analysis.students[PERSONA].to_numpy() if PERSONA in analysis.students else None
    return Context(risk, X, predicted, risk.model.predict(X), band_rows, band_base, levers(risk, X), personas)


def _band(ctx: Context, rows: np.ndarray, moved: np.ndarray, changes: dict, central: float, final_delta: dict,
          seed: int) -> tuple[float, float]:
    """The lowest and highest mean change across the models, read on students in view from the band sample
    (paired: every model on the same students, so the sample's own noise mostly cancels)."""
    moved_rows = rows[moved]
    at = np.flatnonzero(np.isin(ctx.band_rows, moved_rows))
    if len(at) > BAND_SAMPLE:
        at = np.sort(np.random.default_rng(seed).choice(at, BAND_SAMPLE, replace=False))
    if not len(at):
        return central, central
    students = ctx.band_rows[at]
    after, _ = apply(ctx.X[students], ctx.levers, changes)
    share = len(moved_rows) / len(rows)  # unmoved students change by 0 in every model
    reference = float(np.mean([final_delta[s] for s in students])) * share
    per_model = [reference] + [float((model.predict(after) - base[at]).mean()) * share
                               for model, base in zip(ctx.risk.fold_models, ctx.band_base)]
    return central + min(per_model) - reference, central + max(per_model) - reference


def scenario(ctx: Context, pass_mark: float, changes: dict[str, float], keep: np.ndarray | None = None,
             seed: int = 0, scores: Scores | None = None) -> Scenario:
    """The what-if for the students in `keep`: the final model's change for every student in view (a seeded
    sample of SCENARIO_SAMPLE above that, with counts scaled and `sampled` set), and the band across models.
    With the cohort's `scores`, "below the pass mark" is what their pass/fail approach flags, before and after
    (chances.after_change); without, the predicted score under the pass mark."""
    risk = ctx.risk
    rows = np.arange(len(ctx.X)) if keep is None else np.flatnonzero(keep)
    in_view = len(rows)
    if not any(float(changes.get(lever.role) or 0) for lever in ctx.levers):
        below = int((ctx.predicted[rows] < risk.threshold(pass_mark)).sum() if scores is None else
                    scores.at_risk[rows].sum())
        mean = float(ctx.predicted[rows].mean()) if in_view else 0.0
        return Scenario(in_view, {}, mean, mean, (0.0, 0.0), below, below, 0, 0,
                        pd.DataFrame(columns=["persona", "students", "mean_change", "lifted", "dropped"]), {},
                        ctx.predicted[rows])
    sampled = in_view > SCENARIO_SAMPLE
    if sampled:
        rows = np.sort(np.random.default_rng(seed).choice(rows, SCENARIO_SAMPLE, replace=False))
    X_rows = ctx.X[rows]
    after_X, clipped = apply(X_rows, ctx.levers, changes)
    before = ctx.predicted[rows]
    moved = np.flatnonzero(np.any((after_X != X_rows) & ~np.isnan(X_rows), axis=1))
    delta = np.zeros(len(rows))
    band = (0.0, 0.0)
    if len(moved):
        delta[moved] = risk.model.predict(after_X[moved]) - ctx.base[rows[moved]]
        central = float(delta.mean())
        band = _band(ctx, rows, moved, changes, central, dict(zip(rows[moved], delta[moved])), seed)
    after = np.clip(before + delta, *risk.score_range)
    cut = risk.threshold(pass_mark)
    was, now = before < cut, after < cut
    if scores is not None and scores.approach != "regression":
        was = scores.at_risk[rows]
        now = was.copy()
        if len(moved):
            raw = (final_log_odds(risk, ctx.X, rows[moved], ctx.memo)
                   if scores.approach in ("classifier", "blend") and risk.fitted_for(pass_mark) else None)
            now[moved] = after_change(risk, pass_mark, scores.approach, X_rows[moved], after_X[moved], before[moved],
                                      after[moved], scores.chance[rows[moved]], raw) >= 0.5
    scale = in_view / len(rows) if len(rows) else 1.0
    frame = pd.DataFrame({"persona": ctx.personas[rows] if ctx.personas is not None else "All students",
                          "change": after - before, "lifted": was & ~now, "dropped": ~was & now})
    by_persona = (frame.groupby("persona", observed=True, sort=False)
                  .agg(students=("change", "size"), mean_change=("change", "mean"), lifted=("lifted", "sum"),
                       dropped=("dropped", "sum")).reset_index())
    if sampled:
        for column in ("students", "lifted", "dropped"):
            by_persona[column] = (by_persona[column] * scale).round().astype(int)

    def count(mask) -> int:
        return int(round(mask.sum() * scale))

    return Scenario(in_view, {k: v for k, v in changes.items() if v}, float(before.mean()) if len(rows) else 0.0,
                    float(after.mean()) if len(rows) else 0.0, band, count(was), count(now), count(was & ~now),
                    count(~was & now), by_persona, {k: int(round(v * scale)) for k, v in clipped.items() if v},
                    after, sampled)


def student_whatif(risk: RiskModel, X_row: np.ndarray, predicted: float, changes: dict[str, float],
                   found: list[Lever]) -> tuple[float, dict[str, int]]:
    """One student's predicted score after the changes (today's prediction plus the model's change)."""
    after, clipped = apply(X_row[None, :], found, changes)
    out = risk.model.predict(np.vstack([X_row[None, :], after]))
    return float(np.clip(predicted + out[1] - out[0], *risk.score_range)), clipped
