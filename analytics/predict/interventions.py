"""Whom to help first and how: students with a real chance of ending below the pass mark, ranked by need
and by how much a feasible support package would lift them, with the support their weakest theme calls for."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.predict.explain import explain_many
from analytics.predict.flags import flags
from analytics.predict.risk import Scores
from analytics.predict.support import SUPPORT
from analytics.predict.whatif import Context, apply
from analytics.results import PERSONA, THEME_PREFIX, Analysis

CANDIDATE_CHANCE = 0.3  # the list holds students with at least this chance of ending below the pass mark
LIST_LIMIT = 1_000  # the most in need; nobody acts on more in one sitting, and explaining each costs time
ACTIONABLE_THEMES = ["Attendance", "Hours_Studied", "Motivation_Level", "Resource_Access", "Family_Capital",
                     "Personal_Wellbeing", "Previous_Scores", "Environmental_Stability", "Homework", "Behaviour"]


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
        "priority": np.round(priority, 3), "row": analysis.sheet_row(rows),
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
