"""Personas: K-Means on the standardised themes, named from each centroid's profile."""
from __future__ import annotations

from itertools import combinations

import pandas as pd

from analytics.models.clustering import Clusters, fit_kmeans, reorder
from analytics.models.themes import NOTABLE_SD, THEME_LABELS
from analytics.results import Persona

# Theme -> (name when high, name when low).
TRAIT_NAMES = {
    "Hours_Studied": ("Hard-working", "Light study"),
    "Attendance": ("Always present", "Often absent"),
    "Previous_Scores": ("Strong track record", "Low prior attainment"),
    "Motivation_Level": ("Driven", "Low motivation"),
    "Resource_Access": ("Well-resourced", "Under-resourced"),
    "Family_Capital": ("Family-backed", "Little family support"),
    "Personal_Wellbeing": ("Balanced lifestyle", "Stretched"),
    "Environmental_Stability": ("Settled", "Unsettled"),
    "Homework": ("Homework done", "Homework missed"),
    "Behaviour": ("Well-behaved", "Behaviour concerns"),
}
NOTABLE = NOTABLE_SD  # |z| below this is "about average" and never names or describes a persona


def _trait(theme: str, z: float) -> str:
    high, low = TRAIT_NAMES[theme]
    return high if z > 0 else low


def _candidates(centroid: dict[str, float]) -> list[str]:
    ranked = [t for t in sorted(centroid, key=lambda t: -abs(centroid[t])) if abs(centroid[t]) >= NOTABLE]
    names = []
    for a, b in combinations(ranked[:4], 2):
        first, second = _trait(a, centroid[a]), _trait(b, centroid[b])
        names.append(f"{first}, {second[0].lower() + second[1:]}")
    names += [_trait(t, centroid[t]) for t in ranked[:2]]
    return names or ["Middle of the cohort"]


def name_personas(centroids: list[dict[str, float]]) -> list[str]:
    """Unique names; the most distinctive personas choose first."""
    names: list[str | None] = [None] * len(centroids)
    taken: set[str] = set()
    strength = [max((abs(v) for v in c.values()), default=0) for c in centroids]
    for i in sorted(range(len(centroids)), key=lambda i: -strength[i]):
        options = _candidates(centroids[i])
        name = next((n for n in options if n not in taken), None)
        if name is None:
            base, n = options[0], 2
            while f"{base} ({n})" in taken:
                n += 1
            name = f"{base} ({n})"
        names[i] = name
        taken.add(name)
    return names  # type: ignore[return-value]


def describe(centroid: dict[str, float], mean_score: float | None, outcome: str = "exam score") -> str:
    ranked = sorted(centroid, key=lambda t: -abs(centroid[t]))
    parts = [f"{'higher' if centroid[t] > 0 else 'lower'} {THEME_LABELS[t]} ({centroid[t]:+.1f} SD)"
             for t in ranked[:3] if abs(centroid[t]) >= NOTABLE]
    text = ("Close to the cohort average on every theme" if not parts
            else parts[0][0].upper() + parts[0][1:] + "".join(
                (", " if i < len(parts) - 1 else " and ") + p for i, p in enumerate(parts[1:], 1))
            + " than the cohort")
    if mean_score is not None:
        text += f"; mean {outcome} {mean_score:.1f}"
    return text + "."


def fit_personas(z_themes: pd.DataFrame, k: int, exam: pd.Series | None,
                 outcome: str = "exam score") -> tuple[Clusters, list[Persona]]:
    x = z_themes.to_numpy(dtype=float)
    clusters = fit_kmeans(x, k)
    labels = pd.Series(clusters.labels, index=z_themes.index)
    if exam is not None:
        key = exam.groupby(labels).mean()
    else:  # without scores the best-placed profile comes first
        key = pd.Series(clusters.centroids.sum(axis=1))
    clusters = reorder(clusters, [int(i) for i in key.sort_values(ascending=False, kind="stable").index])
    labels = pd.Series(clusters.labels, index=z_themes.index)
    # Centroids reported as the mean z of each persona's members: exact for a sample fit too.
    means = z_themes.groupby(labels).mean()
    sizes = labels.value_counts().reindex(range(clusters.k), fill_value=0)
    scores = exam.groupby(labels).mean() if exam is not None else None
    centroids = [{t: round(float(means.loc[i, t]), 4) for t in z_themes.columns} for i in range(clusters.k)]
    names = name_personas(centroids)
    personas = []
    for i in range(clusters.k):
        score = None if scores is None else round(float(scores.loc[i]), 2)
        personas.append(Persona(i, names[i], describe(centroids[i], score, outcome), int(sizes[i]),
                                round(float(sizes[i] / len(labels)), 4), score, centroids[i]))
    return clusters, personas
