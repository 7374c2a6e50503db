"""Early-disengagement flags: which students show the signs, each sign in words, thresholds relative to
this cohort.

Flags are for acting before exams, so they read pre-exam columns only: never the exam score, and never the
trajectory (which is fitted on it). A falling trend needs two pre-exam scores, such as G1 -> G2.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.predict.risk import Scores
from analytics.predict.whatif import Context
from analytics.results import Analysis

LOW_SHARE = 0.15  # "low" = in the lowest 15 % of this cohort
# Falling: a student's change between two pre-exam scores is this many SD (of the earlier score) below the
# cohort's mean change, so a test everyone found harder flags nobody, and on 0-20 a 1-point dip is not a fall.
FALLING = -0.5
NUMBERED = re.compile(r"^(.*?)(\d+)$")  # G2, Mock_2, term3: a score with a sequence number


def trend_columns(analysis: Analysis) -> tuple[str, str] | None:
    """(earlier, later) pre-exam score columns: the previous-score column and the one numbered just before it
    (G1 before G2). None when the file has no such pair."""
    later = analysis.previous_column
    students = analysis.students
    found = NUMBERED.match(later or "")
    if not found or int(found.group(2)) < 1:
        return None
    earlier = f"{found.group(1)}{int(found.group(2)) - 1}"
    if (earlier not in students or earlier == analysis.exam_column or later not in students
            or not pd.api.types.is_numeric_dtype(students[earlier])):
        return None
    return earlier, later


def falling(earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
    """True where the change from `earlier` to `later` is FALLING SD below the cohort's mean change."""
    change = later - earlier
    spread = np.nanstd(earlier)
    if not spread > 0:
        return np.zeros(len(change), dtype=bool)
    return np.nan_to_num(change - np.nanmean(change) < FALLING * spread, nan=0).astype(bool)


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
    pair = trend_columns(analysis)
    if pair is not None:
        earlier_name, later_name = pair
        earlier = analysis.students[earlier_name].to_numpy(dtype=float)
        later = analysis.students[later_name].to_numpy(dtype=float)
        mark("falling_trend", falling(earlier, later),
             lambda i: f"falling from {earlier_name} {earlier[i]:g} to {later_name} {later[i]:g}")
    indicator = [c for c in out.columns]
    out["flag_count"] = out[indicator].sum(axis=1) if indicator else 0
    if scores is not None:
        out["early_warning"] = (out["flag_count"] >= 2) | ((out["flag_count"] >= 1) & scores.at_risk)
    out["reasons"] = ["; ".join(w) for w in words]
    return out
