"""The leadership report's figures for one view: every number the report prints, gathered in one place.

Aggregates only, from the same functions the dashboard's panels call (KPIs, view facts, the risk model's
cross-validation, fairness, flags), so the report says what the app says. Groups under the reporting threshold
(analytics.defaults.min_group) are left out as they are in the app; student rows appear only in the optional
student list, which the caller asks for (staff only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analytics.defaults import min_group
from analytics.explore import views
from analytics.explore.class_list import subject_bar
from analytics.insights.facts import Facts, group_columns, view_facts
from analytics.results import PERSONA, Analysis

STUDENT_LIMIT = 200  # the optional list: the most in need first; a longer list belongs in the dashboard's export


@dataclass
class ReportData:
    title: str
    filename: str
    view: list[str]  # the filters in words ("Gender = Female"); empty for the whole cohort
    printed: str
    min_group: int
    kpis: dict
    facts: Facts
    insights: object  # analytics.insights.gemini.Insights
    subjects: list[dict] = field(default_factory=list)
    risk: dict | None = None  # model quality, at-risk counts, interventions, fairness
    risk_note: str = ""  # why there is no risk section
    benchmark: dict | None = None
    benchmark_note: str = ""
    quality: dict = field(default_factory=dict)
    students: pd.DataFrame | None = None  # only with include_students


def subject_risks(analysis: Analysis, keep: np.ndarray, threshold: int) -> list[dict]:
    """Per subject (or the outcome): students in view with a mark, how many are below its bar (target, else pass
    mark, else the cohort's lowest quarter: the class list's rule) and the mean mark."""
    subjects = dict(analysis.subject_columns) or (
        {analysis.outcome_label.capitalize(): analysis.exam_column} if analysis.exam_column else {})
    out = []
    for name, column in subjects.items():
        points = analysis.students[column].to_numpy(dtype=float)
        bar, rule = subject_bar(analysis, name, points)
        marks = points[keep]
        marked = np.isfinite(marks)
        n = int(marked.sum())
        if n < threshold:
            out.append({"subject": name, "suppressed": True, "with_mark": n, "rule": rule})
            continue
        below = int((marks[marked] < bar).sum())
        out.append({"subject": name, "suppressed": False, "with_mark": n, "below": below,
                    "share": below / n if n else 0.0, "mean": float(marks[marked].mean()) if n else None,
                    "rule": rule})
    return out


def data_quality(analysis: Analysis) -> dict:
    return {"rows": analysis.rows, "recognised": len(analysis.mapping),
            "imputed": {c: int(n) for c, n in sorted(analysis.imputed.items(), key=lambda kv: -kv[1]) if n},
            "imputed_cells": analysis.imputed_cells, "warnings": list(analysis.warnings),
            "unmapped": dict(analysis.unmapped), "skipped": dict(analysis.skipped)}


def risk_section(analysis: Analysis, keep: np.ndarray, risk, ctx, threshold: int) -> dict:
    """Model quality beside its baselines, the at-risk and support counts in view, and fairness per group."""
    from analytics.predict import flags as early_warning
    from analytics.predict.fairness import fairness
    from analytics.predict.interventions import CANDIDATE_CHANCE, persona_support
    from analytics.predict.risk import score_cohort
    from analytics.predict.risk_summary import cv_summary

    quality = cv_summary(risk, analysis)
    scores = score_cohort(risk, analysis, quality["pass_mark"], predicted=ctx.predicted, memo=ctx.memo, X=ctx.X)
    at_risk = scores.at_risk & keep
    candidates = (scores.chance >= CANDIDATE_CHANCE) & keep
    flagged = early_warning.flags(analysis, scores, ctx)
    flag_counts = {str(c).replace("_", " "): int(flagged[c].to_numpy(dtype=bool)[keep].sum())
                   for c in flagged.columns if flagged[c].dtype == bool}
    support = []
    if PERSONA in analysis.students:
        persona = analysis.students[PERSONA].astype(str).to_numpy()
        for name, (theme, words) in persona_support(analysis).items():
            n = int((candidates & (persona == name)).sum())
            if n:
                support.append({"persona": name, "students": n, "support": words, "suppressed": n < threshold})
    groups = []
    for by, column in group_columns(analysis):
        if column and column in analysis.students and by != "year group":
            table = fairness(analysis, scores, column, threshold)
            if not table.empty:
                table = table[table["students"] >= threshold]  # as in the app: small groups are not reported
                groups.append({"by": by, "rows": table.to_dict("records")})
    return {"quality": quality, "pass_mark": scores.pass_mark, "at_risk": int(at_risk.sum()),
            "candidates": int(candidates.sum()), "candidate_chance": CANDIDATE_CHANCE,
            "flags": flag_counts, "support": support, "fairness": groups, "scores": scores}


def student_list(analysis: Analysis, keep: np.ndarray, scores=None) -> pd.DataFrame:
    """The students in view with their identifiers (staff only): those predicted below the pass mark, most likely
    first, when there is a risk model; else the first in the file's order."""
    rows = np.flatnonzero(keep if scores is None else keep & scores.at_risk)
    if scores is not None:
        rows = rows[np.argsort(-scores.chance[rows], kind="stable")]
    rows = rows[:STUDENT_LIMIT]
    frame = pd.DataFrame({"row": analysis.sheet_row(rows)})
    for column in analysis.identifier_columns:
        frame[column] = analysis.students[column].astype(str).to_numpy()[rows]
    if PERSONA in analysis.students:
        frame["persona"] = analysis.students[PERSONA].astype(str).to_numpy()[rows]
    if scores is not None:
        frame["predicted"] = np.round(scores.predicted[rows], 1)
        frame["chance below"] = np.round(scores.chance[rows], 2)
    return frame


def gather(analysis: Analysis, keep: np.ndarray | None = None, *, view: list[str] | None = None,
           risk=None, ctx=None, risk_note: str = "", insights=None, benchmark=None, benchmark_note: str = "",
           include_students: bool = False, threshold: int | None = None) -> ReportData:
    """Everything the report shows. `risk` and `ctx` are the fitted risk model and its what-if context (None:
    no risk section, `risk_note` says why); `insights` the six sections (the built-in engine's when None)."""
    from analytics.insights.gemini import insights as write_insights

    keep = np.ones(analysis.rows, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    threshold = min_group() if threshold is None else threshold
    facts = view_facts(analysis, keep, threshold)
    kpis = views.kpis(analysis, keep)
    data = ReportData(title="Cohort report", filename=analysis.filename, view=list(view or []),
                      printed=f"{date.today():%d %B %Y}", min_group=threshold, kpis=kpis, facts=facts,
                      insights=insights if insights is not None else write_insights(facts, key=""),
                      subjects=subject_risks(analysis, keep, threshold), risk_note=risk_note,
                      benchmark=benchmark, benchmark_note=benchmark_note, quality=data_quality(analysis))
    if risk is not None and ctx is not None:
        data.risk = risk_section(analysis, keep, risk, ctx, threshold)
        if include_students:
            data.students = student_list(analysis, keep, data.risk["scores"])
    elif include_students:
        data.students = student_list(analysis, keep)
    return data
