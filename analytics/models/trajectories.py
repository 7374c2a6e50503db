"""Academic trajectories: K-Means (k = 3) on standardised previous vs current score, named by geometry."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analytics.models.clustering import Clusters, fit_kmeans, reorder
from analytics.models.themes import zscore
from analytics.results import Trajectory

K = 3
# Archetype -> how well a centroid (p, e) in z units fits it. Names are assigned one-to-one to maximise fit.
ARCHETYPES = {
    "Consistently high": lambda p, e: (p + e) / 2,
    "Consistently low": lambda p, e: -(p + e) / 2,
    "Improving": lambda p, e: (e - p) / np.sqrt(2),
    "Declining": lambda p, e: (p - e) / np.sqrt(2),
    # A centroid close to the cohort mean on both scores is neither rising nor falling.
    "Steady, mid-range": lambda p, e: 0.5 - np.hypot(p, e),
}


def name_trajectories(centroids: np.ndarray) -> list[str]:
    names = list(ARCHETYPES)
    fit = np.array([[ARCHETYPES[n](p, e) for n in names] for p, e in centroids])
    rows, cols = linear_sum_assignment(-fit)
    assigned = dict(zip(rows, cols))
    return [names[assigned[i]] for i in range(len(centroids))]


def fit_trajectories(previous: pd.Series, exam: pd.Series,
                     labels: tuple[str, str] = ("previous score", "exam score")) -> tuple[Clusters, list[Trajectory]]:
    """`labels` name the two scores in the descriptions ("KS2 scaled score", "combined score"...)."""
    names_of = labels
    both = pd.concat([previous, exam], axis=1).astype(float)
    z = zscore(both).to_numpy()
    clusters = fit_kmeans(z, K)
    labels = pd.Series(clusters.labels, index=exam.index)
    order = exam.groupby(labels).mean().sort_values(ascending=False, kind="stable").index
    clusters = reorder(clusters, [int(i) for i in order])
    labels = pd.Series(clusters.labels, index=exam.index)
    zc = pd.DataFrame(z, index=exam.index).groupby(labels).mean().to_numpy()
    names = name_trajectories(zc)
    prev_mean, exam_mean = previous.groupby(labels).mean(), exam.groupby(labels).mean()
    sizes = labels.value_counts().reindex(range(clusters.k), fill_value=0)
    out = []
    for i in range(clusters.k):
        p, e = float(prev_mean[i]), float(exam_mean[i])
        text = (f"{names_of[0][0].upper() + names_of[0][1:]} {p:.1f} \u2192 {names_of[1]} {e:.1f} on average "
                f"({zc[i, 0]:+.1f} / {zc[i, 1]:+.1f} SD from the cohort).")
        out.append(Trajectory(i, names[i], text, int(sizes[i]), round(float(sizes[i] / len(labels)), 4),
                              round(p, 2), round(e, 2),
                              {"previous_score": round(float(zc[i, 0]), 4),
                               "exam_score": round(float(zc[i, 1]), 4)}))
    return clusters, out
