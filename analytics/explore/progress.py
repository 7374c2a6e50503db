"""Progress in the current view: mean progress per group with 95 % intervals, and the share on track.

Averages only: the expected results were fitted once per dataset (analytics.predict.progress) and filtering
never refits them. A group with fewer than `min_group` students with a progress score is not reported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analytics.explore import filters as flt
from analytics.explore.views import _codes, group_order
from analytics.ingest.schema import ROLE_BY_NAME
from analytics.predict.progress import Progress
from analytics.results import Analysis

ALL = "all"  # every subject: each student's mean progress over their subjects, in standard deviations
EVERYONE, SUBJECT = "everyone", "subject"
GROUP_ROLES = ("year_group", "form", "teacher", "gender", "fsm", "sen", "eal", "school_type")
FILTER_KEYS = {"school_type": "school"}  # a group role whose filter key is named differently
LEVEL = 0.95


@dataclass
class ProgressView:
    table: pd.DataFrame  # group, students, mean, low, high, on_track, suppressed (one row per group)
    overall: pd.Series  # the same for everyone in view
    unit: str  # "points" or "SD"
    sd: float | None  # one SD in points (single subject), to show progress both ways
    in_view: int
    no_mark: int  # students in view with no mark (no progress score)
    no_prior: int  # ... with a mark but no prior attainment
    target: str  # what "on track" compares with
    filter_key: str | None  # the filter a click on a bar sets (None: no filter for this group yet)


def groups(analysis: Analysis) -> list[tuple[str, str]]:
    """(value, label) of the groupings this file supports."""
    out = [(EVERYONE, "Everyone in view")]
    progress = analysis.progress
    if progress is not None and len(progress.subjects) > 1:
        out.append((SUBJECT, "Subject"))
    out += [(role, ROLE_BY_NAME[role].label) for role in GROUP_ROLES if analysis.mapping.get(role)]
    return out


def subjects(progress: Progress) -> list[tuple[str, str]]:
    """(value, label) of what progress can be shown in: all subjects (when several), each subject, the outcome."""
    names = progress.averaged()
    out = [(ALL, "All subjects (average, SD)")] if len(names) > 1 else []
    return out + [(n, n + (" (outcome)" if s.is_outcome else "")) for n, s in progress.subjects.items()]


def filter_key(analysis: Analysis, role: str) -> str | None:
    """The filter a bar of this group sets when clicked, once the filter bar has one for it."""
    key = FILTER_KEYS.get(role, role)
    return key if key in flt.LIST_KEYS and flt.columns(analysis).get(key) else None


def student_values(progress: Progress, subject: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(progress, results on track, results with an on-track flag) per student for one subject or ALL (then the
    mean progress in SD over the student's subjects and counts over them)."""
    if subject != ALL:
        found = progress.subjects[subject]
        flags = found.on_track
        return found.progress, np.nan_to_num(flags), (~np.isnan(flags)).astype(float)
    names = progress.averaged()
    z = np.vstack([progress.subjects[n].progress_sd for n in names])
    flags = np.vstack([progress.subjects[n].on_track for n in names])
    scored = (~np.isnan(z)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(scored > 0, np.nansum(z, axis=0) / np.maximum(scored, 1), np.nan)
    return mean, np.nansum(flags, axis=0), (~np.isnan(flags)).sum(axis=0).astype(float)


def summarise(values: np.ndarray, hits: np.ndarray, counted: np.ndarray, codes: np.ndarray, labels: list[str],
              min_group: int) -> pd.DataFrame:
    """Per group code: students with a score, mean, 95 % t interval and the share on track; groups smaller
    than `min_group` keep their count but no numbers."""
    k = len(labels)
    scored = ~np.isnan(values)
    c, v = codes[scored], values[scored]
    n = np.bincount(c, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(c, weights=v, minlength=k) / n
        ss = np.bincount(c, weights=(v - mean[c]) ** 2, minlength=k)
        half = stats.t.ppf(0.5 + LEVEL / 2, n - 1) * np.sqrt(ss / (n - 1)) / np.sqrt(n)
        share = np.bincount(codes, weights=hits, minlength=k) / np.bincount(codes, weights=counted, minlength=k)
    half = np.where(n > 1, half, np.nan)
    small = n < max(min_group, 1)
    table = pd.DataFrame({"group": labels, "students": n.astype(int), "mean": mean, "low": mean - half,
                          "high": mean + half, "on_track": share, "suppressed": small & (n > 0)})
    table.loc[small, ["mean", "low", "high", "on_track"]] = np.nan
    return table


def progress_view(analysis: Analysis, subject: str, by: str, keep: np.ndarray | None,
                  min_group: int) -> ProgressView:
    """Mean progress in `subject` (or ALL) for each group of `by` among the students `keep` holds."""
    progress = analysis.progress
    rows = len(analysis.students)
    keep = np.ones(rows, dtype=bool) if keep is None else keep
    if by == SUBJECT:
        return _by_subject(progress, keep, min_group)
    values, hits, counted = student_values(progress, subject)
    values = np.where(keep, values, np.nan)
    hits, counted = np.where(keep, hits, 0.0), np.where(keep, counted, 0.0)
    overall = summarise(values, hits, counted, np.zeros(rows, dtype=np.int64), ["Everyone in view"], min_group)
    column = analysis.mapping.get(by) if by != EVERYONE else None
    if column:
        codes, labels = _codes(analysis.students[column])
        table = summarise(values, hits, counted, codes, labels, min_group).set_index("group")
        table = table.loc[[g for g in group_order(analysis.students[column]) if table.at[g, "students"] > 0]]
        table = table.reset_index()
    else:
        table = overall
    single = progress.subjects.get(subject)
    result = single.result if single else None
    no_mark, no_prior = _missing(progress, subject, keep, result)
    return ProgressView(table, overall.iloc[0], "SD" if single is None else "points",
                        single.sd if single else None, int(keep.sum()), no_mark, no_prior,
                        _target_text(progress, subject), filter_key(analysis, by) if column else None)


def _by_subject(progress: Progress, keep: np.ndarray, min_group: int) -> ProgressView:
    parts = []
    for name, found in progress.subjects.items():
        flags = np.where(keep, found.on_track, np.nan)
        part = summarise(np.where(keep, found.progress_sd, np.nan), np.nan_to_num(flags),
                         (~np.isnan(flags)).astype(float), np.zeros(len(keep), dtype=np.int64),
                         [name + (" (outcome)" if found.is_outcome else "")], min_group)
        parts.append(part)
    values, hits, counted = student_values(progress, ALL)
    overall = summarise(np.where(keep, values, np.nan), np.where(keep, hits, 0.0), np.where(keep, counted, 0.0),
                        np.zeros(len(keep), dtype=np.int64), ["Everyone in view"], min_group)
    no_mark, no_prior = _missing(progress, ALL, keep, None)
    return ProgressView(pd.concat(parts, ignore_index=True), overall.iloc[0], "SD", None, int(keep.sum()),
                        no_mark, no_prior, _target_text(progress, ALL), None)


def _missing(progress: Progress, subject: str, keep: np.ndarray, result: np.ndarray | None) -> tuple[int, int]:
    """Students in view without a progress score: no mark at all (in this subject, or in any), and those with a
    mark but no prior attainment."""
    if result is None:
        marks = np.vstack([progress.subjects[n].result for n in progress.averaged()])
        has_mark = (~np.isnan(marks)).any(axis=0)
    else:
        has_mark = ~np.isnan(result)
    return int((keep & ~has_mark).sum()), int((keep & has_mark & progress.no_prior).sum())


def _target_text(progress: Progress, subject: str) -> str:
    names = progress.averaged() if subject == ALL else [subject]
    set_by_school = [n for n in names if progress.subjects[n].target is not None]
    if not set_by_school:
        return "at least the result expected from their prior attainment"
    if len(names) == 1:
        return f"at least the school's target of {progress.subjects[names[0]].target:g}"
    return ("at least the school's target where one is set (" + ", ".join(set_by_school) + "), otherwise the "
            "result expected from their prior attainment")
