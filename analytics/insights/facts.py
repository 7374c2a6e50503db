"""The figures an insight may rest on, for one view: aggregates only.

Persona sizes and centroids, trajectory mix, gaps between gender and school groups with effect sizes, 95 %
intervals and p-values. Never a student row, never an identifier or free-text cell; a group smaller than the
suppression threshold is left out (only the fact that something was left out remains); every label is
length-limited, because it may end up in a prompt and must stay data, not instructions.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analytics.defaults import MIN_GROUP
from analytics.ingest.schema import YES_NO
from analytics.models.themes import NOTABLE_SD, THEME_LABELS
from analytics.results import PERSONA_ID, THEME_PREFIX, TRAJECTORY_ID, Analysis

LABEL_MAX = 40


def safe_label(value) -> str:
    """A category label fit to quote: control characters and markup out, at most LABEL_MAX characters."""
    text = re.sub(r"[\x00-\x1f<>`*_#\[\]{}|\\]", " ", str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "…"


@dataclass
class Gap:
    """Mean exam score of group a minus group b, with Welch's 95 % interval, p-value and Cohen's d."""
    by: str  # a GROUP_FACTS key: "gender", "school type", "FSM", "SEN", "EAL"
    a: str
    b: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    low: float
    high: float
    p_value: float
    effect_size: float

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


@dataclass
class Facts:
    students: int
    total: int
    exam_label: str | None
    mean_exam: float | None
    min_group: int
    personas: list[dict] = field(default_factory=list)
    trajectories: list[dict] = field(default_factory=list)
    trajectory_mix: list[dict] = field(default_factory=list)
    groups: dict[str, list[dict]] = field(default_factory=dict)  # GROUP_FACTS key -> group sizes, means
    gaps: list[Gap] = field(default_factory=list)  # largest effect first
    suppressed: int = 0  # groups left out for being smaller than min_group
    notable_sd: float = NOTABLE_SD  # a persona's strongest/weakest themes are at least this far from the cohort

    def to_dict(self) -> dict:
        out = asdict(self)
        out["gaps"] = [asdict(g) | {"significant": g.significant} for g in self.gaps]
        return out


def welch_gap(by: str, a: str, b: str, x: np.ndarray, y: np.ndarray) -> Gap:
    diff = float(x.mean() - y.mean())
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = float(np.sqrt(va + vb))
    dof = (va + vb) ** 2 / (va ** 2 / (len(x) - 1) + vb ** 2 / (len(y) - 1)) if se > 0 else 1.0
    half = float(stats.t.ppf(0.975, dof) * se) if se > 0 else 0.0
    p = float(stats.ttest_ind(x, y, equal_var=False).pvalue) if se > 0 else 1.0
    pooled = np.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / (len(x) + len(y) - 2))
    d = diff / pooled if pooled > 0 else 0.0
    return Gap(by, safe_label(a), safe_label(b), len(x), len(y), round(float(x.mean()), 2), round(float(y.mean()), 2),
               round(diff, 2), round(diff - half, 2), round(diff + half, 2), p, round(float(d), 3))


def _reportable(facts: Facts, n: int) -> bool:
    """Whether a group of n students may be reported; a non-empty group under the threshold is counted as
    left out."""
    if 0 < n < facts.min_group:
        facts.suppressed += 1
    return n >= facts.min_group


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.astype(str))
    return codes, [str(u) for u in uniques]


# (facts key, role) for the groups insights describe; the school is judged on the last three
GROUP_FACTS = (("gender", "gender"), ("school type", "school_type"), ("year group", "year_group"), ("FSM", "fsm"),
               ("SEN", "sen"), ("EAL", "eal"))
NO_GAPS = {"year group"}  # five year groups make ten pairwise gaps: sizes and means say enough
SEN_CODES = {"n": "no SEN", "k": "SEN support (K)", "e": "EHC plan (E)"}


def group_columns(analysis: Analysis) -> list[tuple[str, str | None]]:
    return [(by, analysis.mapping.get(role)) for by, role in GROUP_FACTS]


def group_label(by: str, value: str) -> str:
    """A group value in words a reader follows: FSM 'Y' -> 'FSM', 'N' -> 'not FSM'; SEN 'K' -> 'SEN support (K)'."""
    key = str(value).strip().lower()
    if by in ("FSM", "EAL") and key in YES_NO:
        return by if YES_NO[key] else f"not {by}"
    if by == "SEN":
        return SEN_CODES.get(key, str(value))
    if by == "year group" and key.replace(".0", "").isdigit():
        return f"Year {key.replace('.0', '')}"
    return str(value)


def view_facts(analysis: Analysis, keep: np.ndarray | None = None, min_group: int = MIN_GROUP) -> Facts:
    """The facts for the students in `keep`. Group statistics come from integer codes and bincount (at 1M
    students, pandas masks per group took 130 ms; this takes a few)."""
    students = analysis.students
    idx = np.arange(analysis.rows) if keep is None else np.flatnonzero(keep)
    n_view = len(idx)
    exam = analysis.exam_column if analysis.exam_column in students else None
    scores = students[exam].to_numpy(dtype=float)[idx] if exam else None
    facts = Facts(n_view, analysis.rows, exam.replace("_", " ").lower() if exam else None,
                  round(float(scores.mean()), 2) if exam and n_view else None, min_group)

    def tally(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray | None]:
        counts = np.bincount(codes, minlength=k)
        sums = np.bincount(codes, weights=scores, minlength=k) if exam else None
        return counts, sums

    persona_codes = students[PERSONA_ID].to_numpy()[idx] if PERSONA_ID in students else None
    if persona_codes is not None and analysis.personas:
        k = len(analysis.personas)
        counts, sums = tally(persona_codes, k)
        z = {t: np.bincount(persona_codes, weights=students[THEME_PREFIX + t].to_numpy()[idx], minlength=k)
             for t in analysis.themes}
        for persona in analysis.personas:
            n = int(counts[persona.id])
            if not _reportable(facts, n):
                continue
            drivers = sorted(((t, round(float(z[t][persona.id] / n), 2)) for t in analysis.themes),
                             key=lambda item: -abs(item[1]))
            facts.personas.append({
                "name": safe_label(persona.name), "students": n, "share": round(n / n_view, 4),
                "mean_exam": round(float(sums[persona.id] / n), 2) if exam else None,
                "themes": {THEME_LABELS.get(t, t): v for t, v in drivers},
                "strongest": [THEME_LABELS.get(t, t) for t, v in drivers if v >= NOTABLE_SD][:2],
                "weakest": [THEME_LABELS.get(t, t) for t, v in drivers if v <= -NOTABLE_SD][:2]})
        facts.personas.sort(key=lambda p: -(p["mean_exam"] if p["mean_exam"] is not None else -1e9))
    if TRAJECTORY_ID in students and analysis.trajectories:
        trajectory_codes = students[TRAJECTORY_ID].to_numpy()[idx]
        k = len(analysis.trajectories)
        counts, sums = tally(trajectory_codes, k)
        names = {p.id: p.name for p in analysis.personas}
        mix = (np.bincount(trajectory_codes * len(names) + persona_codes, minlength=k * len(names))
               .reshape(k, len(names)) if persona_codes is not None and names else None)
        for trajectory in analysis.trajectories:
            n = int(counts[trajectory.id])
            if not _reportable(facts, n):
                continue
            facts.trajectories.append({"name": safe_label(trajectory.name), "students": n,
                                       "share": round(n / n_view, 4),
                                       "mean_exam": round(float(sums[trajectory.id] / n), 2)})
            if mix is None:
                continue
            for pid in np.argsort(-mix[trajectory.id], kind="stable"):
                count = int(mix[trajectory.id, pid])
                if count >= min_group:
                    facts.trajectory_mix.append({"trajectory": safe_label(trajectory.name),
                                                 "persona": safe_label(names[int(pid)]), "students": count,
                                                 "share_of_trajectory": round(count / n, 4)})
                elif count > 0:
                    facts.suppressed += 1
    for by, column in group_columns(analysis):
        if not column or column not in students:
            continue
        codes, labels = _codes(students[column])
        labels = [group_label(by, label) for label in labels]
        codes = codes[idx]
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        kept = []
        for code, label in enumerate(labels):
            if _reportable(facts, int(counts[code])):
                kept.append((label, codes == code))
        facts.groups[by] = [{"group": safe_label(label), "students": int(here.sum()),
                             "mean_exam": round(float(scores[here].mean()), 2) if exam else None}
                            for label, here in sorted(kept, key=lambda item: -item[1].sum())]
        if exam and len(kept) >= 2 and by not in NO_GAPS:
            kept.sort(key=lambda item: -item[1].sum())
            for i in range(len(kept)):
                for j in range(i + 1, len(kept)):
                    (la, ha), (lb, hb) = kept[i], kept[j]
                    if scores[ha].mean() < scores[hb].mean():
                        (la, ha), (lb, hb) = (lb, hb), (la, ha)
                    facts.gaps.append(welch_gap(by, la, lb, scores[ha], scores[hb]))
    facts.gaps.sort(key=lambda g: -abs(g.effect_size))
    return facts
