"""Acting on risk: early-disengagement flags, whom to help first and how, target-grade simulation, and
whether the model serves every group equally well."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.models.themes import THEME_LABELS
from analytics.predict.risk import Scores
from analytics.predict.support import SUPPORT
from analytics.predict.whatif import Context, apply, explain_many
from analytics.results import PERSONA, THEME_PREFIX, TRAJECTORY, TRAJECTORY_ID, Analysis, sheet_row

LOW_SHARE = 0.15  # "low" = in the lowest 15 % of this cohort
FALLING = -0.5  # a trajectory whose exam z is this far below its previous-score z is falling
CANDIDATE_CHANCE = 0.3  # the list holds students with at least this chance of ending below the pass mark
LIST_LIMIT = 1_000  # the most in need; nobody acts on more in one sitting, and explaining each costs time
ACTIONABLE_THEMES = ["Attendance", "Hours_Studied", "Motivation_Level", "Resource_Access", "Family_Capital",
                     "Personal_Wellbeing", "Previous_Scores", "Environmental_Stability"]
SUBJECT = re.compile(r"(score|mark|grade|result|points)s?$|^(maths?|english|science|reading|writing)", re.I)


def _number_column(analysis: Analysis, role: str, ctx: Context | None) -> np.ndarray | None:
    if ctx is not None:
        column = ctx.risk.spec.role_column(role)
        if column is not None:
            return ctx.X[:, ctx.risk.spec.columns.index(column)]
    column = analysis.mapping.get(role)
    if column and column in analysis.students and pd.api.types.is_numeric_dtype(analysis.students[column]):
        return analysis.students[column].to_numpy(dtype=float)
    return None


def flags(analysis: Analysis, scores: Scores | None = None, ctx: Context | None = None) -> pd.DataFrame:
    """One row per student: a column per early-disengagement indicator (True/False), `reasons` in words, and
    `flag_count`. Thresholds are relative to this cohort, so they mean the same in any school. Kept in the
    what-if context per pass mark: a cross-filter reads them, never recomputes them."""
    key = ("flags", None if scores is None else scores.pass_mark)
    if ctx is not None and key in ctx.memo:
        return ctx.memo[key]
    out = _flags(analysis, scores, ctx)
    if ctx is not None:
        ctx.memo[key] = out
    return out


def _flags(analysis: Analysis, scores: Scores | None, ctx: Context | None) -> pd.DataFrame:
    out = pd.DataFrame(index=analysis.students.index)
    words = [[] for _ in range(analysis.rows)]

    def mark(name: str, hit: np.ndarray, text) -> None:
        hit = np.nan_to_num(hit, nan=0).astype(bool)
        out[name] = hit
        for i in np.flatnonzero(hit):
            words[i].append(text(i))

    attendance = _number_column(analysis, "attendance", ctx)
    if attendance is not None and not np.isnan(attendance).all():
        cut = float(np.nanquantile(attendance, LOW_SHARE))
        mark("low_attendance", attendance < cut, lambda i: f"attendance {attendance[i]:g} (lowest 15 %: below {cut:g})")
    absences = _number_column(analysis, "absences", ctx)
    if absences is not None and attendance is None and not np.isnan(absences).all():
        cut = float(np.nanquantile(absences, 1 - LOW_SHARE))
        mark("many_absences", absences > cut, lambda i: f"{absences[i]:g} absences (top 15 %: above {cut:g})")
    hours = _number_column(analysis, "hours_studied", ctx)
    if hours is not None and not np.isnan(hours).all():
        cut = float(np.nanquantile(hours, LOW_SHARE))
        mark("low_study", hours < cut, lambda i: f"studies {hours[i]:g} (lowest 15 %: below {cut:g})")
    motivation = _number_column(analysis, "motivation", ctx)
    if motivation is not None and not np.isnan(motivation).all():
        lowest = float(np.nanmin(motivation))
        mark("low_motivation", motivation == lowest, lambda i: "motivation at the lowest level")
    if TRAJECTORY_ID in analysis.students and analysis.trajectories:
        falling = {t.id for t in analysis.trajectories
                   if t.centroid["exam_score"] - t.centroid["previous_score"] < FALLING}
        ids = analysis.students[TRAJECTORY_ID].to_numpy()
        names = analysis.students[TRAJECTORY].astype(str).to_numpy()
        mark("falling_trajectory", np.isin(ids, list(falling)), lambda i: f"falling trajectory ({names[i]})")
    indicator = [c for c in out.columns]
    out["flag_count"] = out[indicator].sum(axis=1) if indicator else 0
    if scores is not None:
        out["early_warning"] = (out["flag_count"] >= 2) | ((out["flag_count"] >= 1) & scores.at_risk)
    out["reasons"] = ["; ".join(w) for w in words]
    return out


def persona_support(analysis: Analysis) -> dict[str, tuple[str, str]]:
    """Persona -> (its weakest theme, the support that answers it)."""
    out = {}
    for persona in analysis.personas:
        themes = [t for t in ACTIONABLE_THEMES if t in persona.centroid]
        if themes:
            weakest = min(themes, key=lambda t: persona.centroid[t])
            out[persona.name] = (weakest, SUPPORT[weakest])
    return out


def package(ctx: Context) -> dict[str, float]:
    """A feasible support package: every lever half-way to its slider limit, in the good direction."""
    return {lever.role: lever.direction * (lever.span / 2 if not lever.levels else 1) for lever in ctx.levers}


def support_gain(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Predicted points each student gains from the feasible package, computed once per student per context
    (a cross-filter re-ranks students seen before; it never predicts them again)."""
    gains = ctx.memo.get("gain")
    if gains is None:
        gains = ctx.memo["gain"] = np.full(len(ctx.X), np.nan)
    missing = rows[np.isnan(gains[rows])]
    if len(missing):
        changed, _ = apply(ctx.X[missing], ctx.levers, package(ctx))
        gains[missing] = ctx.risk.model.predict(changed) - ctx.base[missing]
    return gains[rows]


def intervention_list(analysis: Analysis, scores: Scores, ctx: Context, keep: np.ndarray | None = None,
                      label=lambda c: c) -> pd.DataFrame:
    """Students in view with a real chance of ending below the pass mark, most in need of help first.

    priority = chance below the pass mark x (0.5 + 0.5 x share of the gap a feasible package closes): need
    first, and among equal need, the students support is most likely to lift. At most LIST_LIMIT rows;
    `frame.attrs["candidates"]` says how many qualified."""
    columns = ["priority", "row", "persona", "predicted", "chance_below", "gain_with_support", "flags",
               "main_factors", "suggested_support"]
    ranked_rows, ranked_priority, ranked_gain = _ranked(scores, ctx)
    if keep is not None:
        inside = keep[ranked_rows]
        ranked_rows, ranked_priority, ranked_gain = ranked_rows[inside], ranked_priority[inside], ranked_gain[inside]
    if not len(ranked_rows):
        empty = pd.DataFrame(columns=columns)
        empty.attrs["candidates"] = 0
        return empty
    candidates = len(ranked_rows)
    rows, priority, gain = ranked_rows[:LIST_LIMIT], ranked_priority[:LIST_LIMIT], ranked_gain[:LIST_LIMIT]
    reasons = flags(analysis, scores, ctx)["reasons"].to_numpy()
    support = persona_support(analysis)
    personas = (analysis.students[PERSONA].iloc[rows].astype(str).to_numpy() if PERSONA in analysis.students
                else None)  # only the listed rows: 1M labels as text cost ~100 ms
    frame = pd.DataFrame({
        "priority": np.round(priority, 3), "row": rows + sheet_row(0),
        "persona": personas if personas is not None else "",
        "predicted": np.round(scores.predicted[rows], 1), "chance_below": np.round(scores.chance[rows], 2),
        "gain_with_support": np.round(gain, 1), "flags": reasons[rows]})
    frame["main_factors"] = ["; ".join(f"{label(item['factor'])} {item['value']} ({item['effect']:+.1f})"
                                       for item in [e for e in found if e["effect"] < 0][:2])
                             for found in _explanations(ctx, rows)]
    frame["suggested_support"] = [_support(analysis, i, support, None if personas is None else personas[k])
                                  for k, i in enumerate(rows)]
    frame.attrs["candidates"] = candidates  # before the LIST_LIMIT cut
    return frame


def _ranked(scores: Scores, ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate in the cohort, most in need first, with priority and gain: ranked once per pass mark,
    so a cross-filter only keeps the ones in view (at 1M students, sorting 300k candidates took 40 ms)."""
    key = ("ranked", scores.pass_mark)
    if key not in ctx.memo:
        rows = np.flatnonzero((scores.chance >= CANDIDATE_CHANCE) | scores.at_risk)
        gain = support_gain(ctx, rows)
        gap = np.maximum(scores.pass_mark - scores.predicted[rows], 0.5)
        priority = scores.chance[rows] * (0.5 + 0.5 * np.clip(gain / gap, 0, 1))
        order = np.lexsort((-np.round(gain, 1), -np.round(priority, 3)))
        ctx.memo[key] = rows[order], priority[order], gain[order]
    return ctx.memo[key]


def _explanations(ctx: Context, rows: np.ndarray) -> list[list[dict]]:
    """Each student's explanation, computed once per context: a cross-filter mostly lists students seen before."""
    missing = [int(r) for r in rows if ("explain", int(r)) not in ctx.memo]
    if missing:
        for r, found in zip(missing, explain_many(ctx.risk, ctx.X[missing], top=6)):
            ctx.memo[("explain", r)] = found
    return [ctx.memo[("explain", int(r))] for r in rows]


def _support(analysis: Analysis, i: int, support: dict, persona: str | None) -> str:
    if persona is not None and persona in support:
        return support[persona][1]
    themes = [t for t in ACTIONABLE_THEMES if THEME_PREFIX + t in analysis.students]
    if not themes:
        return ""
    weakest = min(themes, key=lambda t: analysis.students[THEME_PREFIX + t].iat[i])
    return SUPPORT[weakest]


def subject_columns(analysis: Analysis) -> list[str]:
    """Score columns for separate subjects (maths score, reading score...), when the file has several."""
    previous = analysis.previous_column
    found = [c for c in analysis.students.columns
             if c != previous and not c.startswith(THEME_PREFIX) and SUBJECT.search(str(c).strip())
             and pd.api.types.is_numeric_dtype(analysis.students[c])]
    return found if len(found) >= 2 else []


def target_simulation(analysis: Analysis, target: float, keep: np.ndarray | None = None,
                      scores: Scores | None = None) -> dict:
    """How many students in view are below `target`, by how much on average, and per subject where the
    file has several subject scores. Uses exam scores, or predicted scores for a file without them."""
    rows = np.arange(analysis.rows) if keep is None else np.flatnonzero(keep)
    exam = analysis.exam_column
    if exam and exam in analysis.students:
        values, basis = analysis.students[exam].to_numpy(dtype=float)[rows], "exam scores"
    elif scores is not None:
        values, basis = scores.predicted[rows], "predicted scores"
    else:
        values, basis = None, ""
    out = {"target": float(target), "students": int(len(rows)), "basis": basis, "subjects": []}
    if values is not None:
        gap = target - values
        below = gap > 0
        out.update(below=int(below.sum()), mean_gap=float(gap[below].mean()) if below.any() else 0.0,
                   total_points=float(gap[below].sum()))
    for column in subject_columns(analysis):
        marks = analysis.students[column].to_numpy(dtype=float)[rows]
        gap = target - marks
        below = gap > 0
        out["subjects"].append({"subject": column, "below": int(below.sum()),
                                "mean_gap": float(gap[below].mean()) if below.any() else 0.0})
    out["subjects"].sort(key=lambda s: -s["below"])
    return out


def fairness(analysis: Analysis, scores: Scores, by: str, min_group: int = 10, draws: int = 400,
             seed: int = 0) -> pd.DataFrame:
    """Per group of `by` (a column): mean absolute error of the predictions and recall of students who ended
    below the pass mark (share the model flagged), each with a 95 % bootstrap interval; `note` warns when a
    group is too small to judge."""
    if scores.actual is None or by not in analysis.students:
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    groups = analysis.students[by].astype(str).to_numpy()
    error = np.abs(scores.actual - scores.predicted)
    below = scores.actual < scores.pass_mark
    rows = []
    for group in pd.unique(groups):
        idx = np.flatnonzero(groups == group)
        picks = rng.integers(0, len(idx), size=(draws, len(idx)))
        mae = error[idx].mean()
        mae_draws = error[idx][picks].mean(axis=1)
        truly = idx[below[idx]]
        record = {"group": group, "students": len(idx), "below_pass": len(truly), "mae": round(float(mae), 2),
                  "mae_low": round(float(np.quantile(mae_draws, 0.025)), 2),
                  "mae_high": round(float(np.quantile(mae_draws, 0.975)), 2)}
        if len(truly):
            hit = scores.at_risk[truly].astype(float)
            recall_draws = hit[rng.integers(0, len(truly), size=(draws, len(truly)))].mean(axis=1)
            record.update(recall=round(float(hit.mean()), 3),
                          recall_low=round(float(np.quantile(recall_draws, 0.025)), 3),
                          recall_high=round(float(np.quantile(recall_draws, 0.975)), 3))
        else:
            record.update(recall=None, recall_low=None, recall_high=None)
        small = len(idx) < min_group or len(truly) < min_group
        which = " below the pass mark" if len(idx) >= min_group else ""
        record["note"] = (f"small group: fewer than {min_group} students{which}; the interval is wide, judge with "
                          "care") if small else ""
        rows.append(record)
    return pd.DataFrame(rows).sort_values("students", ascending=False).reset_index(drop=True)


def theme_label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme)
