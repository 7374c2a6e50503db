"""Views of a Tracking for the dashboard: persona moves among the students in view, who made a move, each term's
mean and below-mark share per group with 95 % intervals, and one student's line across terms.

Pure pandas/numpy. A group is read from each term's own file (a pupil who became FSM in spring counts as FSM in
spring); the mark a student counts as below is the first term's (its target, pass mark or median), so the share
means the same in every term.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.compare.benchmark import SUBJECT_ALIASES, mean_stat, share_stat
from analytics.compare.reference import AT_LEAST, GRADE_MEASURES
from analytics.explore.filters import group_column
from analytics.explore.measures import measures
from analytics.ingest.schema import norm
from analytics.results import Analysis
from analytics.track.link import id_text
from analytics.track.subjects import points
from analytics.track.tracking import Tracking

ALL = "All students"
MEASURES = ("mean", "below")


def term_label(tracking: Tracking, k: int) -> str:
    return f"T{k + 1} · {tracking.files[k]}"


def row_ids(analysis: Analysis, id_column: str) -> pd.Series:
    """Each row's student id as text ("" when blank), from the term's own id column."""
    column = analysis.mapping.get("student_id") or id_column
    if column not in analysis.students:
        return pd.Series([""] * analysis.rows)
    return id_text(analysis.students[column]).reset_index(drop=True)


def moves(tracking: Tracking, keep: set[str] | None = None) -> list[list[dict]]:
    """Per step, {from, to, count} among the linked students (only the ids in `keep`, when given)."""
    table = tracking.table if keep is None else tracking.table[tracking.table.index.isin(list(keep))]
    out = []
    for step in range(len(tracking.analyses) - 1):
        before, after = f"Persona T{step + 1}", f"Persona T{step + 2}"
        if before not in table or after not in table:
            return []
        pair = table[[before, after]].dropna().astype(str)
        counts = pair.groupby([before, after]).size()
        out.append([{"from": a, "to": b, "count": int(n)} for (a, b), n in counts.items() if n > 0])
    return out


def move_ids(tracking: Tracking, step: int, source: str, target: str) -> list[str]:
    """The ids of the students in persona `source` at term step+1 and `target` at step+2."""
    before, after = f"Persona T{step + 1}", f"Persona T{step + 2}"
    if before not in tracking.table or after not in tracking.table:
        return []
    table = tracking.table
    hit = (table[before].astype(object) == source) & (table[after].astype(object) == target)
    return table.index[hit.to_numpy()].tolist()


def rows_of(analysis: Analysis, id_column: str, wanted: list[str] | set[str]) -> np.ndarray:
    """0-based rows of `analysis` whose student id is among `wanted`."""
    return np.flatnonzero(row_ids(analysis, id_column).isin(list(wanted)).to_numpy())


def ids_in_view(analysis: Analysis, id_column: str, keep: np.ndarray) -> set[str]:
    ids = row_ids(analysis, id_column)
    return set(ids[keep & (ids != "").to_numpy()])


def listed(tracking: Tracking, which: str) -> pd.DataFrame:
    """The joined or left students: id, name (when the files have one), the terms they are in."""
    ids = tracking.joined if which == "joined" else tracking.left
    table = tracking.table.reindex(ids)
    persona = [c for c in table if c.startswith("Persona T")]
    labels = [f"T{c.removeprefix('Persona T')}" for c in persona]
    present = table[persona].notna().to_numpy()
    terms = [", ".join(label for label, here in zip(labels, row) if here) for row in present]
    out = pd.DataFrame({"Student id": ids})
    if "Name" in table:
        out["Name"] = table["Name"].astype(object).where(table["Name"].notna(), "").to_numpy()
    out["In terms"] = terms if persona else ""
    return out


@dataclass(frozen=True)
class Mark:
    value: float
    basis: str  # "target", "pass mark" or "cohort median" (of the first term)


def mark_for(tracking: Tracking, subject: str) -> Mark | None:
    column = tracking.analyses[0].subject_columns.get(subject)
    found = next((m for m in measures(tracking.analyses[0]) if m.column == column), None)
    return None if found is None else Mark(found.reference, found.basis)


def series(tracking: Tracking, subject: str, group_key: str | None = None, keep: set[str] | None = None,
           measure: str = "mean", min_group: int = 0) -> pd.DataFrame:
    """One row per term and group: term (0-based), group, value, low, high, n. `measure` "mean" is the mean
    points (t interval), "below" the percentage below the first term's mark (Wilson interval). Groups under
    `min_group` keep their n but no value."""
    mark = mark_for(tracking, subject) if measure == "below" else None
    rows = []
    for k, analysis in enumerate(tracking.analyses):
        values = points(analysis, subject)
        if values is None:
            continue
        chosen = np.ones(analysis.rows, dtype=bool)
        if keep is not None:
            chosen = row_ids(analysis, tracking.id_column).isin(list(keep)).to_numpy()
        column = group_column(analysis, group_key) if group_key else None
        labels = (analysis.students[column].astype(object).fillna("Unknown").astype(str).to_numpy()
                  if column else np.full(analysis.rows, ALL, dtype=object))
        for group in pd.unique(labels[chosen]):
            take = chosen & (labels == group) & ~np.isnan(values)
            x = values[take]
            if measure == "below":
                if mark is None:
                    continue
                stat = share_stat(int((x < mark.value).sum()), len(x))
            else:
                stat = mean_stat(x)
            hidden = stat.n < max(min_group, 1)
            rows.append({"term": k, "group": str(group), "value": None if hidden else stat.value,
                         "low": None if hidden else stat.low, "high": None if hidden else stat.high, "n": stat.n})
    return pd.DataFrame(rows, columns=["term", "group", "value", "low", "high", "n"])


def student_line(tracking: Tracking, student_id: str) -> pd.DataFrame | None:
    """One row per term for one student: persona and each compared subject's points (NaN: absent or blank)."""
    if student_id not in tracking.table.index:
        return None
    record = tracking.table.loc[student_id]
    rows = []
    for k in range(len(tracking.analyses)):
        row = {"term": k, "label": f"T{k + 1}", "file": tracking.files[k],
               "persona": record.get(f"Persona T{k + 1}")}
        for subject in tracking.subjects:
            row[subject] = record.get(f"{subject} T{k + 1}", np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["persona"] = out["persona"].astype(object).where(out["persona"].notna(), None)
    return out


def reference_bands(reference, subject: str, measure: str, mark: Mark | None, grouped: bool) -> list[dict]:
    """The reference figures that measure what the chart shows for `subject`: a mean for the mean, and for the
    share below the mark, a share at or above that same mark (drawn as 100 minus it). Each {label, value, low,
    high}, with a Wilson 95 % interval where the figure's n is known. Without grouping only "all" is drawn."""
    def key(text: str) -> str:
        return SUBJECT_ALIASES.get(norm(text), norm(text))

    out = []
    for figure in reference.figures if reference is not None else []:
        if key(figure.subject) != key(subject) or (not grouped and norm(figure.group) != "all"):
            continue
        label = f"{figure.group}, {figure.year}"
        if measure == "mean" and figure.measure == "mean":
            out.append({"label": label, "value": figure.value, "low": None, "high": None})
        elif measure == "below" and mark is not None:
            found = AT_LEAST.match(figure.measure)
            threshold = GRADE_MEASURES.get(figure.measure, float(found.group(1)) if found else None)
            if threshold is None or threshold != mark.value:
                continue
            value = 100 - figure.value
            low = high = None
            if figure.n:
                stat = share_stat(int(round(value * figure.n / 100)), figure.n)
                low, high = stat.low, stat.high
            out.append({"label": label, "value": value, "low": low, "high": high})
    return out
