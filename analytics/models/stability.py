"""How far to trust each number of personas: separation (silhouette) and bootstrap stability (ARI), k = 2..8.

Protocol (the reference fit against fits on bootstrap resamples, compared on the measured students):
  1. The reference fit of k personas is the one the dashboard itself makes (`fit_kmeans`: K-Means on up to
     10,000 students, 4 starts, seed 0); its silhouette is the one the personas of that k report.
  2. The measured students M are the same seeded sample the silhouette is computed on: every student up to
     2,000, a fixed random 2,000 above that (so the cost does not grow with the file).
  3. Resample b (b = 0..19) draws |M| students from M with replacement (numpy default_rng([0, b]); the same
     resamples for every k), fits K-Means with k clusters on them (2 starts, seed b), and labels every
     student of M with it. Two starts instead of the personas' 4 take 60 % of the time; on the demo cohort
     the ARI comes out lower by 0.07 at most (one start: by up to 0.11, its fits ending in worse optima), so
     a count is, if anything, called unstable a little early.
  4. The stability of k is the mean adjusted Rand index (sklearn.metrics.adjusted_rand_score) between the
     reference labels of M and each resample's labels of M: 1 when every resample finds the same groups,
     about 0 when the groups are no more alike than chance.
The resampled fits see at most 2,000 students while the personas of a larger file are fitted on up to 10,000,
so on a large file the stability is, if anything, understated.

The suggested number of personas is stable (ARI >= 0.75) and, among the stable ones, the best separated
(highest silhouette; the smaller k on a tie). When no k is stable there is no suggestion: any grouping of
that file is a convenience. Below ARI 0.6 the personas of that k are called unstable.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS
from analytics.models.clustering import SEED, SILHOUETTE_SAMPLE, fit_kmeans, sample_index
from analytics.results import THEME_PREFIX, Analysis

VERSION = 1  # bump when the measure changes, so a stored one is measured again
RESAMPLES = 20
RESAMPLE_STARTS = 2  # K-Means starts (n_init) of each resample's fit
SAMPLE = SILHOUETTE_SAMPLE  # students the silhouette and the ARI are measured on, at most
STABLE = 0.75  # mean ARI from which a k may be suggested
UNSTABLE = 0.6  # mean ARI below which the personas are a convenience, not a finding
FEW_STUDENTS = 200  # below this many students, the personas rest on few students and the screen says so
PROTOCOL = (f"K-Means ({RESAMPLE_STARTS} starts) refitted on {RESAMPLES} bootstrap resamples of the measured "
            "students; each labels those students and is compared with the personas' own fit by the adjusted "
            f"Rand index (mean of the {RESAMPLES})")
RULE = (f"the stable number of personas (ARI >= {STABLE}) with the highest silhouette, the smaller on a tie; "
        "none when no number is stable")


@dataclass(frozen=True)
class Stability:
    students: int  # in the file
    measured_on: int  # students the silhouette and ARI are measured on (all of them up to SAMPLE)
    silhouette: dict[int, float]  # k -> silhouette of the k personas the dashboard fits
    ari: dict[int, float]  # k -> mean adjusted Rand index over the resamples
    suggested: int | None  # see RULE
    resamples: int = RESAMPLES

    @property
    def sampled(self) -> bool:
        return self.measured_on < self.students

    def unstable(self, k: int) -> bool:
        return k in self.ari and self.ari[k] < UNSTABLE

    def to_dict(self) -> dict:
        """`stability` ({k: ari}) for `summarize --json`, and `stability_method`: what it was measured on."""
        return {"stability": {str(k): v for k, v in self.ari.items()},
                "stability_method": {
                    "students": self.students, "measured_on": self.measured_on, "sampled": self.sampled,
                    "sample": (f"numpy.random.default_rng({SEED}).choice({self.students}, {self.measured_on}, "
                               "replace=False), sorted") if self.sampled else None,
                    "resamples": self.resamples,
                    "resample": f"numpy.random.default_rng([{SEED}, b]).integers(0, {self.measured_on}, "
                                f"{self.measured_on}) for b = 0..{self.resamples - 1}",
                    "protocol": PROTOCOL,
                    "silhouette": {str(k): v for k, v in self.silhouette.items()},
                    "suggested_k": self.suggested, "rule": RULE, "stable_from": STABLE,
                    "unstable_below": UNSTABLE, "few_students": self.students < FEW_STUDENTS,
                    "few_below": FEW_STUDENTS}}


def resample(size: int, b: int) -> np.ndarray:
    """Rows (into the measured students) of bootstrap resample b: `size` draws with replacement."""
    return np.random.default_rng([SEED, b]).integers(0, size, size)


def suggest(silhouette: dict[int, float], ari: dict[int, float]) -> int | None:
    stable = [k for k in sorted(ari) if ari[k] >= STABLE and k in silhouette]
    return max(stable, key=lambda k: (silhouette[k], -k)) if stable else None


def measure(x: np.ndarray, ks=range(MIN_PERSONAS, MAX_PERSONAS + 1), resamples: int = RESAMPLES,
            progress=None) -> Stability:
    """Silhouette and bootstrap ARI of K-Means on `x` (students x standardised themes) for each k. A k the
    data cannot support (fewer distinct students than k, or too few students for a silhouette) is left out.
    `progress(text)` hears which k is being measured."""
    x = np.asarray(x, dtype=float)
    measured = sample_index(len(x), SAMPLE)
    m = x[measured]
    draws = [resample(len(m), b) for b in range(resamples)]
    silhouette, ari = {}, {}
    for k in ks:
        if progress:
            progress(f"Testing {k} personas on {resamples} resamples of {len(m):,} students…")
        reference = fit_kmeans(x, k)
        if reference.k < k or reference.silhouette is None:
            continue
        labels = reference.labels[measured]
        scores = []
        # one thread, as in fit_kmeans; a resample of a small file may hold fewer distinct students than k,
        # which K-Means warns about and the ARI then counts against that k
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for b, rows in enumerate(draws):
                fitted = KMeans(n_clusters=k, n_init=RESAMPLE_STARTS, random_state=b).fit(m[rows])
                scores.append(adjusted_rand_score(labels, fitted.predict(m)))
        silhouette[k] = round(reference.silhouette, 4)
        ari[k] = round(float(np.mean(scores)), 4)
    return Stability(len(x), len(m), silhouette, ari, suggest(silhouette, ari), resamples)


def of_analysis(analysis: Analysis, progress=None) -> Stability | None:
    """The measure on an analysis's standardised themes, or None when it has no personas (too few themes or
    students). It depends on the themes only, not on the number of personas chosen."""
    if not analysis.personas:
        return None
    columns = [THEME_PREFIX + t for t in analysis.themes]
    return measure(analysis.students[columns].to_numpy(dtype=float), progress=progress)
