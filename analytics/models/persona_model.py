"""A fitted persona model kept so that a later term can be placed on it without refitting.

The first term's scaling (each theme part's mean and SD, each theme's mean and SD) and its K-Means centres are
kept; a later term's themes are standardised with those numbers and each student goes to the nearest centre.
So a student counts as having moved only when their own data changed, not because the cohort around them did.
The arithmetic is the same as `build_themes` + `zscore`, so the first term placed on its own model gives back
exactly the personas it was fitted with.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import DataError
from analytics.ingest.schema import ROLE_BY_NAME, THEME_PARTS
from analytics.models.personas import describe
from analytics.results import THEMES, Persona


@dataclass(frozen=True)
class PersonaModel:
    source: str  # the file the model was fitted on
    parts: dict[str, tuple[float, float]]  # role -> (mean, SD) in the first term
    themes: dict[str, tuple[float, float]]  # theme -> (mean, SD) of its averaged parts in the first term
    fills: dict[str, float]  # role -> what a blank cell counts as (the first term's median or most common value)
    centroids: np.ndarray  # personas x themes, K-Means centres in persona order
    names: tuple[str, ...]
    means: tuple[dict[str, float], ...]  # each persona's mean theme profile, to describe it


def _stats(x: np.ndarray) -> tuple[float, float]:
    std = float(x.std())
    return float(x.mean()), (std if std > 0 else 1.0)


def _fill_value(values: pd.Series, role: str, filled: np.ndarray | None) -> float:
    if filled is not None and filled.any():
        return float(values.to_numpy()[np.argmax(filled)])  # what cleaning filled the first term's blanks with
    if ROLE_BY_NAME[role].kind == "ordinal":
        return float(values.mode().iloc[0])
    return float(values.median())


def fit_model(values: pd.DataFrame, themes: list[str], centroids: np.ndarray, personas: list[Persona],
              filled: dict[str, np.ndarray], mapping: dict[str, str], source: str) -> PersonaModel:
    """The model of a fitted term: `values` are its cleaned role values, `filled` its filled-in cells by column."""
    parts, theme_stats, fills = {}, {}, {}
    for theme in themes:
        zs = []
        for role, sign in THEME_PARTS[theme]:
            if role in values:
                x = values[role].to_numpy(dtype=float)
                parts[role] = _stats(x)
                fills[role] = _fill_value(values[role], role, filled.get(mapping.get(role, "")))
                zs.append((x - parts[role][0]) / parts[role][1] * sign)
        theme_stats[theme] = _stats(zs[0] if len(zs) == 1 else np.mean(zs, axis=0))
    return PersonaModel(source, parts, theme_stats, fills, np.asarray(centroids, dtype=float),
                        tuple(p.name for p in personas), tuple(p.centroid for p in personas))


def standardise(model: PersonaModel, values: pd.DataFrame, filled: dict[str, np.ndarray],
                mapping: dict[str, str], filename: str) -> pd.DataFrame:
    """A later term's z-themes on the first term's scale. Blank cells count as the first term's fill, so a
    student whose entries did not change keeps the same profile. DataError when a part is missing."""
    missing = [role for role in model.parts if role not in values]
    if missing:
        labels = ", ".join(ROLE_BY_NAME[r].label for r in missing)
        raise DataError(f"has no {labels} column, which the personas of {model.source} are built on; "
                        "every term needs the same columns to be compared", file=filename)
    out = {}
    for theme, (mean, std) in model.themes.items():
        zs = []
        for role, sign in THEME_PARTS[theme]:
            if role in model.parts:
                x = values[role].to_numpy(dtype=float)
                blank = filled.get(mapping.get(role, ""))
                if blank is not None and blank.any():
                    x = np.where(blank, model.fills[role], x)
                zs.append((x - model.parts[role][0]) / model.parts[role][1] * sign)
        theme_values = zs[0] if len(zs) == 1 else np.mean(zs, axis=0)
        out[theme] = (theme_values - mean) / std
    return pd.DataFrame(out, index=values.index)[[t for t in THEMES if t in out]]


def assign(model: PersonaModel, z_themes: pd.DataFrame) -> np.ndarray:
    """Each student's nearest first-term centre (squared Euclidean distance, as K-Means assigns)."""
    x = z_themes.to_numpy(dtype=float)
    distance = np.empty((len(x), len(model.centroids)))
    for i, centre in enumerate(model.centroids):
        distance[:, i] = ((x - centre) ** 2).sum(axis=1)
    return distance.argmin(axis=1)


def placed_personas(model: PersonaModel, labels: np.ndarray, exam: pd.Series | None,
                    outcome: str = "exam score") -> list[Persona]:
    """The first term's personas with this term's sizes and mean outcome."""
    sizes = np.bincount(labels, minlength=len(model.names))
    scores = exam.groupby(labels).mean() if exam is not None else None
    out = []
    for i, name in enumerate(model.names):
        score = None if scores is None or i not in scores.index else round(float(scores.loc[i]), 2)
        out.append(Persona(i, name, describe(model.means[i], score, outcome), int(sizes[i]),
                           round(float(sizes[i] / max(len(labels), 1)), 4), score, dict(model.means[i])))
    return out
