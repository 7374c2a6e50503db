"""The current view: which students a set of filters keeps, as a boolean mask over `Analysis.students`.

Filters are a small plain dict (it lives in the browser and in the URL); the mask is computed on the
categorical codes, so a view over a million students costs milliseconds and never refits a model.
"""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from analytics.ingest.schema import GROUP_ROLES, ROLE_BY_NAME
from analytics.results import OUTLIER, PERSONA, TRAJECTORY, Analysis

OUTLIER_COLUMN = OUTLIER
# Group filters are named after their role, except school type, whose key "school" predates the roles and is in
# addresses people have copied.
GROUP_KEYS = {("school" if role == "school_type" else role): role for role in GROUP_ROLES}  # key -> role
LIST_KEYS = tuple(GROUP_KEYS) + ("persona", "trajectory")
KEYS = LIST_KEYS + ("score", "outlier", "selection", "move")
LABELS = {**{key: ROLE_BY_NAME[role].label for key, role in GROUP_KEYS.items()}, "school": "School",
          "persona": "Persona", "trajectory": "Trajectory", "score": "Exam score", "outlier": "Outliers",
          "selection": "Map selection", "move": "Persona move"}
MAX_LABEL = 80  # longer values in a URL are not labels this app made


def columns(analysis: Analysis) -> dict[str, str | None]:
    """Filter key -> the column of `analysis.students` it applies to (None when the file lacks it)."""
    students = analysis.students
    return {**{key: group_column(analysis, key) for key in GROUP_KEYS},
            "persona": PERSONA if PERSONA in students else None,
            "trajectory": TRAJECTORY if TRAJECTORY in students else None,
            "score": analysis.exam_column if analysis.exam_column in students else None,
            "outlier": OUTLIER_COLUMN if OUTLIER_COLUMN in students else None}


def group_column(analysis: Analysis, key: str) -> str | None:
    """The students column of group filter `key` ("fsm", "school"...), None when the file lacks that role."""
    column = analysis.mapping.get(GROUP_KEYS[key])
    return column if column in analysis.students else None


def normalise(analysis: Analysis, filters: dict | None) -> dict:
    """Only filters this dataset can apply, with values it knows; empty ones dropped. Order is kept."""
    if not filters:
        return {}
    cols = columns(analysis)
    out: dict = {}
    for key in LIST_KEYS:
        values = filters.get(key)
        column = cols[key]
        if not values or not column:
            continue
        known = set(map(str, analysis.students[column].cat.categories)) if _is_cat(analysis, column) else None
        kept = [str(v) for v in values if known is None or str(v) in known]
        if kept:
            out[key] = list(dict.fromkeys(kept))
    score = filters.get("score")
    if cols["score"] and isinstance(score, (list, tuple)) and len(score) == 2:
        try:
            low, high = sorted(float(v) for v in score)
        except (TypeError, ValueError):
            low = high = None
        if low is not None:
            out["score"] = [low, high]
    if cols["outlier"] and filters.get("outlier") in ("yes", "no"):
        out["outlier"] = filters["outlier"]
    if isinstance(filters.get("selection"), str) and filters["selection"]:
        out["selection"] = filters["selection"]
    if parse_move(filters.get("move"))[0] is not None:
        out["move"] = filters["move"]
    return out


def parse_move(value) -> tuple[int | None, str, str]:
    """A persona move between terms, "2:A>B" (students in persona A at term 2 and B at term 3), as (2, "A", "B");
    (None, "", "") for anything else. Which rows made it is the store's to say (backend/terms_store.py)."""
    if not isinstance(value, str) or len(value) > 3 * MAX_LABEL or ":" not in value or ">" not in value:
        return None, "", ""
    step, _, rest = value.partition(":")
    source, _, target = rest.partition(">")
    if not step.isdigit() or int(step) < 1 or not source or not target:
        return None, "", ""
    return int(step), source, target


def _is_cat(analysis: Analysis, column: str) -> bool:
    return isinstance(analysis.students[column].dtype, pd.CategoricalDtype)


def isin(values: pd.Series, wanted: list[str]) -> np.ndarray:
    """Membership on a categorical's codes: a lookup table per category, not a string compare per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = [str(c) for c in values.cat.categories]
        table = np.array([c in set(wanted) for c in categories] + [False])
        return table[values.cat.codes.to_numpy()]
    return values.astype(str).isin(wanted).to_numpy()


def mask(analysis: Analysis, filters: dict | None, ignore: tuple[str, ...] = (),
         selection: np.ndarray | None = None, moved: np.ndarray | None = None) -> np.ndarray:
    """True for each student in the view. `ignore` leaves some filters out (a chart that sets a filter
    still shows every value of its own dimension); `selection` holds the 0-based rows of a map selection."""
    students = analysis.students
    keep = np.ones(len(students), dtype=bool)
    filters = filters or {}
    cols = columns(analysis)
    for key in LIST_KEYS:
        if key in filters and key not in ignore and cols[key]:
            keep &= isin(students[cols[key]], filters[key])
    if "score" in filters and "score" not in ignore and cols["score"]:
        low, high = filters["score"]
        scores = students[cols["score"]].to_numpy(dtype=float)
        keep &= (scores >= low) & (scores <= high)
    if "outlier" in filters and "outlier" not in ignore and cols["outlier"]:
        flags = students[cols["outlier"]].to_numpy(dtype=bool)
        keep &= flags if filters["outlier"] == "yes" else ~flags
    if selection is not None and "selection" not in ignore:
        chosen = np.zeros(len(students), dtype=bool)
        rows = np.asarray(selection, dtype=np.int64)
        chosen[rows[(rows >= 0) & (rows < len(students))]] = True
        keep &= chosen  # students are in file order: position i is data row i
    if moved is not None and "move" not in ignore:
        chosen = np.zeros(len(students), dtype=bool)
        rows = np.asarray(moved, dtype=np.int64)
        chosen[rows[(rows >= 0) & (rows < len(students))]] = True
        keep &= chosen
    return keep


def chips(filters: dict) -> list[tuple[str, str]]:
    """(key, text) for each active filter, in a fixed order, for the chips above the dashboard."""
    out = []
    for key in KEYS:
        if key not in filters:
            continue
        value = filters[key]
        if key in LIST_KEYS:
            text = ", ".join(value)
        elif key == "score":
            text = f"{value[0]:g}–{value[1]:g}"
        elif key == "outlier":
            text = "only outliers" if value == "yes" else "without outliers"
        elif key == "move":
            step, source, target = parse_move(value)
            text = f"T{step} {source} → T{step + 1} {target}"
        else:
            text = "students picked on the map"
        out.append((key, f"{LABELS[key]}: {text}"))
    return out


def pass_mark_value(value) -> float | None:
    """A pass mark typed or read from a URL as a number; None for blank or anything that is not a finite one."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        mark = float(value)
    except (TypeError, ValueError):
        return None
    return mark if math.isfinite(mark) else None


def pass_mark_from_query(search: str | None) -> float | None:
    """The pass mark a URL carries (None: the dataset's default)."""
    values = parse_qs((search or "").lstrip("?")).get("pass_mark")
    return pass_mark_value(values[0][:MAX_LABEL]) if values else None


def subject_from_query(search: str | None) -> str | None:
    """The subject a URL carries (None: the file's outcome); whether the file has it is checked against the file."""
    values = parse_qs((search or "").lstrip("?")).get("subject")
    return values[0][:MAX_LABEL] if values and values[0].strip() else None


def to_query(dataset_id: str | None, personas: int | None, filters: dict, pass_mark: float | None = None,
             subject: str | None = None) -> str:
    """The view as a query string: dataset, persona count, filters (lists as repeated keys), the pass mark
    when one was set (it is not a filter: it changes who counts as at risk, not who is in view) and the
    subject the risk panels are about, when one is picked."""
    pairs: list[tuple[str, str]] = []
    if dataset_id:
        pairs.append(("dataset", dataset_id))
    if personas:
        pairs.append(("personas", str(personas)))
    for key in KEYS:
        value = filters.get(key)
        if value is None:
            continue
        if key in LIST_KEYS:
            pairs += [(key, v) for v in value]
        elif key == "score":
            pairs += [("score_min", f"{value[0]:g}"), ("score_max", f"{value[1]:g}")]
        else:
            pairs.append((key, str(value)))
    mark = pass_mark_value(pass_mark)
    if mark is not None:
        pairs.append(("pass_mark", f"{mark:.10g}"))
    if subject:
        pairs.append(("subject", subject))
    return "?" + urlencode(pairs) if pairs else ""


def from_query(search: str | None) -> tuple[str | None, int | None, dict]:
    """Inverse of `to_query`; anything malformed is dropped rather than trusted."""
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    first = {k: v[0] for k, v in params.items() if v}
    dataset = first.get("dataset")
    dataset = dataset if dataset and dataset.isalnum() and len(dataset) <= 64 else None
    try:
        personas = int(first["personas"]) if "personas" in first else None
    except ValueError:
        personas = None
    filters: dict = {}
    for key in LIST_KEYS:
        values = [v[:MAX_LABEL] for v in params.get(key, [])]
        if values:
            filters[key] = values
    try:
        if "score_min" in first and "score_max" in first:
            filters["score"] = [float(first["score_min"]), float(first["score_max"])]
    except ValueError:
        pass
    if first.get("outlier") in ("yes", "no"):
        filters["outlier"] = first["outlier"]
    selection = first.get("selection")
    if selection and selection.isalnum() and len(selection) <= 64:
        filters["selection"] = selection
    if parse_move(first.get("move"))[0] is not None:
        filters["move"] = first["move"]
    return dataset, personas, filters


def toggle(filters: dict, key: str, value: str) -> dict:
    """A click on a chart: select that value alone, or clear the filter if it was already the selection."""
    out = dict(filters)
    if out.get(key) == [value]:
        out.pop(key)
    else:
        out[key] = [value]
    return out
