"""A school against reference figures, per subject and group, on the same measure as the figure.

Each reference row becomes a comparison: the school's value for the row's measure and group, the reference
value, the difference (school minus reference), a 95 % interval for the school's value (t for a mean, Wilson for a
share) and n, the pupils with a value. A share is only compared on the scale it is defined on: a grade 4+ share
needs GCSE 9-1 marks, so a mock marked in percentages is skipped with that reason rather than compared with a
number that measures something else. Groups smaller than min_group are suppressed (no value, no count), as in
every breakdown. Where the reference has disadvantaged and other pupils, the school's gap is set beside the
reference's gap, with a Welch (means) or Newcombe (shares) interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from analytics.compare.groups import YES, Group, GroupIndex, is_gap_pair
from analytics.compare.reference import AT_LEAST, GRADE_MEASURES, Figure, Reference
from analytics.compare.school import School, Values
from analytics.ingest.schema import ROLE_BY_NAME, norm

LEVEL = 0.95
PERSISTENT_BELOW = 90.0  # DfE: persistently absent = missing 10 % or more of possible sessions
COMBINED = {"englishandmaths", "englishandmathematics", "englishmaths", "basics", "englishandmath"}
SUBJECT_ALIASES = {"mathematics": "maths", "math": "maths", "englishlanguage": "english",
                   "absence": "attendance", "overallabsence": "attendance", "persistentabsence": "attendance",
                   "ks2": "previous_score", "priorattainment": "previous_score"}

SUFFIXES = ("gcse", "grade", "grades", "mock", "exam", "result", "results", "mark", "marks", "score")


@dataclass
class Stat:
    value: float | None
    low: float | None
    high: float | None
    n: int
    sd: float | None = None  # means: the sample SD, for the gap's Welch interval


@dataclass
class Benchmark:
    school: str
    reference: str
    min_group: int
    comparisons: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"file": self.school, "reference": self.reference, "min_group": self.min_group,
                "comparisons": self.comparisons, "gaps": self.gaps, "skipped": self.skipped,
                "warnings": self.warnings}


def _find(school: School, text: str) -> list[Values] | str:
    """The school's values a reference subject names: one subject or role, or English and maths together."""
    key = norm(text)
    if key in COMBINED:
        parts = [_find(school, name) for name in ("English", "Maths")]
        missing = [p for p in parts if isinstance(p, str)]
        return missing[0] if missing else [p[0] for p in parts]
    key = SUBJECT_ALIASES.get(key, key)
    for item in school.measured:
        names = {norm(item.name), norm(item.column)}
        if item.role:
            names |= {item.role, norm(ROLE_BY_NAME[item.role].label)}
        if key in names:
            return [item]
    # "English" in the reference, "English GCSE" or "Maths Grade" in the file: one subject, once a word is off
    close = [v for v in school.measured if v.role is None and _bare(v.name) == key]
    if len(close) == 1:
        return close
    subjects = [v.name for v in school.measured if v.role is None]
    others = [v.column for v in school.measured if v.role is not None]
    return (f"subject '{text}' is not in this file (subjects: {', '.join(subjects) or 'none'}; other columns: "
            f"{', '.join(others) or 'none'})")


def _bare(name: str) -> str:
    key = norm(name)
    for word in SUFFIXES:
        if key.endswith(word) and len(key) > len(word):
            return SUBJECT_ALIASES.get(key[: -len(word)], key[: -len(word)])
    return SUBJECT_ALIASES.get(key, key)


def _fits(figure: Figure, items: list[Values]) -> str | None:
    """Why the figure's measure cannot be worked out from these values (None: it can)."""
    names = " and ".join(v.name for v in items)
    if figure.measure == "mean" and len(items) > 1:
        return f"a mean of {figure.subject} is not one number; use a share such as pct_grade4_plus"
    if figure.measure in GRADE_MEASURES:
        off = [v for v in items if v.scale is None or v.scale.kind != "gcse"]
        if off:
            scale = off[0].scale.label if off[0].scale is not None else "its own"
            return (f"{figure.measure} counts GCSE 9-1 grades and {off[0].name} is on the {scale} scale; shares "
                    "are only compared on the same measure (choose the subject's GCSE scale in the mapping if "
                    "its marks are grades)")
    if figure.measure in ("absence_rate", "pct_persistent_absence") and items[0].role != "attendance":
        return f"{figure.measure} needs the attendance column, not {names}"
    return None


def _threshold(measure: str) -> float | None:
    if measure in GRADE_MEASURES:
        return GRADE_MEASURES[measure]
    match = AT_LEAST.match(measure)
    return float(match.group(1)) if match else None


def mean_stat(values: np.ndarray) -> Stat:
    n = len(values)
    if n == 0:
        return Stat(None, None, None, 0)
    mean = float(values.mean())
    if n < 2:
        return Stat(mean, None, None, n)
    sd = float(values.std(ddof=1))
    low, high = stats.t.interval(LEVEL, n - 1, loc=mean, scale=sd / math.sqrt(n)) if sd > 0 else (mean, mean)
    return Stat(mean, float(low), float(high), n, sd)


def share_stat(hits: int, n: int) -> Stat:
    """A percentage with its Wilson score interval."""
    if n == 0:
        return Stat(None, None, None, 0)
    ci = stats.binomtest(hits, n).proportion_ci(confidence_level=LEVEL, method="wilson")
    return Stat(100 * hits / n, 100 * ci.low, 100 * ci.high, n)


def measure(figure: Figure, items: list[Values], group: Group, cache: dict | None = None) -> Stat:
    """The figure's statistic for the group's pupils; `cache` keeps each (values, group) slice for the next
    figure on the same subject and group (a large school's groups are sliced once, not once per measure)."""
    cache = {} if cache is None else cache
    columns = []
    for item in items:
        key = (id(item.values), group.text)
        if key not in cache:
            cache[key] = item.values[group.mask]
        columns.append(cache[key])
    valid = np.logical_and.reduce([~np.isnan(c) for c in columns])
    columns = [c[valid] for c in columns]
    n = int(valid.sum())
    if figure.measure == "mean":
        return mean_stat(columns[0])
    if figure.measure == "absence_rate":
        stat = mean_stat(columns[0])
        if stat.value is None:
            return stat
        flip = lambda x: None if x is None else 100 - x  # noqa: E731
        return Stat(flip(stat.value), flip(stat.high), flip(stat.low), stat.n, stat.sd)
    if figure.measure == "pct_persistent_absence":
        return share_stat(int((columns[0] <= PERSISTENT_BELOW).sum()), n)
    threshold = _threshold(figure.measure)
    hits = np.logical_and.reduce([c >= threshold for c in columns]) if n else np.zeros(0, dtype=bool)
    return share_stat(int(hits.sum()), n)


def _row(figure: Figure, group: Group, stat: Stat, min_group: int) -> dict:
    suppressed = stat.n < max(min_group, 1)
    shown = (lambda x: None) if suppressed else (lambda x: x)  # noqa: E731
    return {"subject": figure.subject, "measure": figure.measure, "group": figure.group, "year": figure.year,
            "school": shown(stat.value), "reference": figure.value,
            "difference": None if suppressed or stat.value is None else stat.value - figure.value,
            "low": shown(stat.low), "high": shown(stat.high), "n": None if suppressed else stat.n,
            "suppressed": suppressed, "matched": group.matched, "reference_n": figure.n,
            "source": figure.source, "row": figure.row}


def gap_interval(a: Stat, b: Stat, percent: bool) -> tuple[float | None, float | None]:
    """95 % interval of a minus b: Welch t for means, Newcombe's hybrid score (Wilson limits) for shares."""
    if a.value is None or b.value is None or a.low is None or b.low is None:
        return None, None
    diff = a.value - b.value
    if percent:
        low = diff - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
        high = diff + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
        return low, high
    va, vb = (a.sd or 0.0) ** 2 / a.n, (b.sd or 0.0) ** 2 / b.n
    if va + vb == 0:
        return diff, diff
    df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1))
    half = stats.t.ppf(0.5 + LEVEL / 2, df) * math.sqrt(va + vb)
    return diff - half, diff + half


def _gaps(done: list[tuple[Figure, Group, Stat]], min_group: int) -> list[dict]:
    out = []
    by_what: dict[tuple, list[tuple[Figure, Group, Stat]]] = {}
    for item in done:
        figure = item[0]
        by_what.setdefault((norm(figure.subject), figure.measure, figure.year), []).append(item)
    for items in by_what.values():
        pairs = [(x, y) for i, x in enumerate(items) for y in items[i + 1:] if is_gap_pair(x[1], y[1])]
        for x, y in pairs[:1]:
            (fd, gd, sd), (fo, go, so) = (x, y) if x[1].level == YES else (y, x)
            suppressed = min(sd.n, so.n) < max(min_group, 1)
            school_gap = None if suppressed or sd.value is None or so.value is None else sd.value - so.value
            low, high = (None, None) if school_gap is None else gap_interval(sd, so, fd.percent)
            national = fd.value - fo.value
            out.append({"subject": fd.subject, "measure": fd.measure, "year": fd.year,
                        "groups": [fd.group, fo.group], "school_gap": school_gap, "reference_gap": national,
                        "difference": None if school_gap is None else school_gap - national,
                        "low": low, "high": high, "n": None if suppressed else [sd.n, so.n],
                        "suppressed": suppressed})
    return out


def benchmark(school: School, reference: Reference) -> Benchmark:
    out = Benchmark(school.filename, reference.filename, school.min_group, warnings=list(reference.warnings))
    index = GroupIndex(school)
    groups: dict[str, Group | str] = {}
    done: list[tuple[Figure, Group, Stat]] = []
    slices: dict = {}
    for figure in reference.figures:
        skip = {"subject": figure.subject, "measure": figure.measure, "group": figure.group, "year": figure.year,
                "row": figure.row}
        items = _find(school, figure.subject)
        if isinstance(items, str):
            out.skipped.append({**skip, "reason": items})
            continue
        why = _fits(figure, items)
        if why is not None:
            out.skipped.append({**skip, "reason": why})
            continue
        if figure.group not in groups:
            groups[figure.group] = index.resolve(figure.group)
        group = groups[figure.group]
        if isinstance(group, str):
            out.skipped.append({**skip, "reason": group})
            continue
        stat = measure(figure, items, group, slices)
        out.comparisons.append(_row(figure, group, stat, school.min_group))
        done.append((figure, group, stat))
    out.gaps = _gaps(done, school.min_group)
    return out
