"""Students with unusual profiles: DBSCAN on the standardised themes, each outlier with its reasons.

* min_samples = 2 x the number of themes (16 for all 8), the usual rule of thumb for DBSCAN
  (Sander et al. 1998; Schubert et al. 2017): large enough that a handful of similar oddities do not make a
  "dense group" of their own.
* eps is read off the data: sort every student's distance to its min_samples-th nearest neighbour
  (the k-distance curve) and take the knee, the point furthest below the straight line from the curve's first
  to its last point once both axes are scaled to [0, 1] (the "Kneedle" rule for a convex, rising curve).
  Left of the knee distances grow slowly (students inside dense groups); right of it they shoot up (students
  with no close peers). On the Kaggle file this flags about 1 % of students.
* Above SAMPLE_ABOVE students DBSCAN runs on a seeded sample (it costs 35 s at 200k rows, minutes at 1M)
  and every other student is an outlier exactly when no core point of the sample lies within eps: DBSCAN's own
  rule for a border point. Float32 matrix products settle almost every student against a few core points
  picked for it (see far_from_core); only the true outliers are compared with every core point, and the
  handful within float32 rounding of eps are decided in float64.
* Reasons: the themes where the student differs most from the nearest dense group, i.e. the mean of its
  min_samples nearest core points, strongest first.
"""
from __future__ import annotations

import numpy as np
from sklearn import config_context
from sklearn.cluster import DBSCAN
from sklearn.neighbors import KDTree
from threadpoolctl import threadpool_limits

from analytics.models.themes import THEME_LABELS
from analytics.results import OutlierItem, Outliers

METHOD = "dbscan"
MIN_STUDENTS = 50  # below this "unusual" has no meaning: there is no dense group to differ from
SAMPLE_ABOVE = SAMPLE_SIZE = 15_000
KNEE_QUERIES = 5_000  # k-distances of this many students (against all fitted ones) draw the curve
REPS, NEAR_REP = 256, 1_024  # see far_from_core
BLOCK = 1 << 20  # point-core pairs per matrix product: 4 MB of float32, about what a core's cache holds
EXACT_CELLS = 1_000_000  # point-core pairs the exact check holds at once (64 MB of differences at 8 themes)
MAX_REASONS, REASON_GAP = 3, 1.0  # list themes at least 1 SD from the group (always the strongest one)
SEED = 0


def knee_eps(x: np.ndarray, min_samples: int, tree: KDTree | None = None) -> float:
    """eps at the knee of the sorted min_samples-distance curve (see the module docstring)."""
    tree = tree or KDTree(x)
    rng = np.random.default_rng(SEED)
    probe = x if len(x) <= KNEE_QUERIES else x[rng.choice(len(x), KNEE_QUERIES, replace=False)]
    # k = min_samples counts the point itself, as DBSCAN's core-point test does
    distances = np.sort(tree.query(probe, k=min(min_samples, len(x)))[0][:, -1])
    low, high = distances[0], distances[-1]
    if high - low <= 1e-12:
        return float(max(high, 1e-6))
    along = np.linspace(0.0, 1.0, len(distances))
    return float(max(distances[int(np.argmax(along - (distances - low) / (high - low)))], 1e-6))


def _squared_less_own(points: np.ndarray, others: np.ndarray, others_sq: np.ndarray) -> np.ndarray:
    """|p - q|^2 - |p|^2 = |q|^2 - 2 p.q for points x others: one matrix product and one in-place add (the
    |p|^2 is added after the row minimum, once per point instead of once per pair)."""
    d2 = points @ (-2 * others.T)
    d2 += others_sq
    return d2


def _exact_far(points: np.ndarray, core: np.ndarray, eps: float) -> np.ndarray:
    """The rule itself in float64 from coordinate differences, for the few students float32 cannot decide."""
    far = np.ones(len(points), dtype=bool)
    step = max(1, EXACT_CELLS // max(1, len(core)))
    for start in range(0, len(points), step):
        part = points[start:start + step]
        d2 = ((part[:, None, :] - core[None, :, :]) ** 2).sum(axis=-1)
        far[start:start + step] = np.sqrt(d2.min(axis=1)) > eps
    return far


def far_from_core(points: np.ndarray, core: np.ndarray, eps: float) -> np.ndarray:
    """True where no core point lies within eps of the point: DBSCAN's border rule, exactly.

    Float32 distances decide every point whose nearest core distance is clearly inside or outside eps; the
    few within float32 rounding of eps are decided in float64. Points are first checked against REPS random
    core points (this clears most of a cohort), then against the NEAR_REP core points closest to their
    nearest representative (a core point within eps of a student almost always sits there), and only the
    students still undecided, the true outliers among them, against every core point.
    """
    far = np.zeros(len(points), dtype=bool)
    if not len(points):
        return far
    centre = core.mean(axis=0)  # centred coordinates keep float32 rounding small
    core32 = (core - centre).astype(np.float32)
    core_sq = (core32.astype(np.float64) ** 2).sum(axis=1)
    reps = np.random.default_rng(SEED).permutation(len(core))[:REPS]
    limit = eps * eps

    def undecided_or_far(rows: np.ndarray, among) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of `rows`: which are surely far from `among`, which float32 cannot call, and the nearest of `among`."""
        part = (points[rows] - centre).astype(np.float32)
        part_sq = (part.astype(np.float64) ** 2).sum(axis=1)
        d2 = _squared_less_own(part, core32[among], core_sq[among].astype(np.float32))
        nearest = d2.argmin(axis=1)
        best = d2[np.arange(len(rows)), nearest] + part_sq
        # float32 error of |p|^2 + |q|^2 - 2 p.q, with a wide safety factor
        slack = 1e-5 * (part_sq + core_sq[among].max()) + 1e-6 * limit
        return best > limit + slack, np.abs(best - limit) <= slack, nearest

    # pass 1: the representatives, for everyone
    nearest_rep = np.empty(len(points), dtype=np.int64)
    open_rows = []
    step = max(1, BLOCK // len(reps))
    for start in range(0, len(points), step):
        rows = np.arange(start, min(start + step, len(points)))
        sure_far, unsure, nearest = undecided_or_far(rows, reps)
        nearest_rep[rows] = nearest
        open_rows.append(rows[sure_far | unsure])
    open_rows = np.concatenate(open_rows)
    # pass 2: the core points around each student's nearest representative
    rep_sq = _squared_less_own(core32[reps], core32, core_sq.astype(np.float32))
    around = np.argpartition(rep_sq, min(NEAR_REP, len(core)) - 1, axis=1)[:, :NEAR_REP]
    order = np.argsort(nearest_rep[open_rows], kind="stable")
    open_rows = open_rows[order]
    groups = np.searchsorted(nearest_rep[open_rows], np.arange(len(reps) + 1))
    keep = np.zeros(len(open_rows), dtype=bool)
    step = max(1, BLOCK // len(around[0]))
    for r in range(len(reps)):
        for start in range(groups[r], groups[r + 1], step):
            stop = min(start + step, groups[r + 1])
            sure_far, unsure, _ = undecided_or_far(open_rows[start:stop], around[r])
            keep[start:stop] = sure_far | unsure
    open_rows = open_rows[keep]
    # pass 3: the rest against every core point; the float32 ties in float64
    everyone, step = slice(None), max(1, BLOCK // len(core))  # a slice: no copy of the core points per block
    for start in range(0, len(open_rows), step):
        rows = open_rows[start:start + step]
        sure_far, unsure, _ = undecided_or_far(rows, everyone)
        far[rows[sure_far]] = True
        if unsure.any():
            far[rows[unsure]] = _exact_far(points[rows[unsure]], core, eps)
    return far


def _group_means(points: np.ndarray, core: np.ndarray, k: int) -> np.ndarray:
    """The mean of each point's k nearest core points (brute force in blocks: outliers are far from every
    core point, where a KD-tree in 8 dimensions prunes little). Float32 distances, centred: a near tie for
    the k-th place may go either way, which moves the mean by a hair; partitioning float32 is ~2x faster."""
    k = min(k, len(core))
    centre = core.mean(axis=0)
    core32 = (core - centre).astype(np.float32)
    core_sq = (core32 ** 2).sum(axis=1)
    out = np.empty_like(points)
    step = max(1, BLOCK // len(core))
    for start in range(0, len(points), step):
        d2 = _squared_less_own((points[start:start + step] - centre).astype(np.float32), core32, core_sq)
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(core) else np.argsort(d2, axis=1)
        out[start:start + step] = core[nearest].mean(axis=1)
    return out


def _reasons(x: np.ndarray, rows: np.ndarray, core: np.ndarray, k: int, themes: list[str],
             reference: np.ndarray) -> list[OutlierItem]:
    if not len(rows):
        return []
    group = _group_means(x[rows], core, k)
    gap = x[rows] - group
    order = np.argsort(-np.abs(gap), axis=1, kind="stable")
    # each outlier's standing in the cohort, theme by theme (on the fitted students: exact up to SAMPLE_SIZE)
    standing = np.column_stack([np.searchsorted(np.sort(reference[:, t]), x[rows, t]) for t in range(len(themes))])
    standing = 100.0 * standing / len(reference)
    gaps = np.sqrt((gap ** 2).sum(axis=1))
    # Python numbers for the loop below: the same text, without a numpy scalar per cell
    rows_l, order_l, gap_l, x_l = rows.tolist(), order[:, :MAX_REASONS].tolist(), gap.tolist(), x[rows].tolist()
    group_l, standing_l, gaps_l = group.tolist(), standing.tolist(), gaps.tolist()
    labels = [THEME_LABELS.get(theme, theme) for theme in themes]
    labels = [label[0].upper() + label[1:] for label in labels]
    items = []
    for i, row in enumerate(rows_l):
        g = gap_l[i]
        picked = [t for t in order_l[i] if abs(g[t]) >= REASON_GAP] or [order_l[i][0]]
        details = []
        for t in picked:
            share = standing_l[i][t]
            versus = (f"higher than {min(share, 99):.0f} %" if share >= 50 else
                      f"lower than {min(100 - share, 99):.0f} %")
            details.append(f"{labels[t]} {x_l[i][t]:+.1f} SD, far "
                           f"{'above' if g[t] > 0 else 'below'} the students most like them "
                           f"({group_l[i][t]:+.1f} SD); {versus} of the cohort")
        items.append(OutlierItem(row=row, reasons=[themes[t] for t in picked], details=details,
                                 gap=round(gaps_l[i], 3)))
    return items


def find_outliers(x: np.ndarray, themes: list[str]) -> Outliers | str:
    """Outliers of the standardised theme matrix x (rows = students, columns = `themes`).

    Returns the reason as a string when the cohort is too small or has no dense group at all.
    """
    n = len(x)
    if n < MIN_STUDENTS:
        return f"needs at least {MIN_STUDENTS} students to tell unusual profiles from typical ones; this file has {n}"
    x = np.ascontiguousarray(x, dtype=np.float64)
    min_samples = 2 * x.shape[1]
    sampled = n > SAMPLE_ABOVE
    fitted = (np.sort(np.random.default_rng(SEED).choice(n, SAMPLE_SIZE, replace=False))
              if sampled else np.arange(n))
    with threadpool_limits(1):
        fit_x = x[fitted]
        fit_tree = KDTree(fit_x)
        eps = knee_eps(fit_x, min_samples, fit_tree)
        # brute force: in 8 dimensions at this eps (~90 neighbours each) a KD-tree's radius queries took 4x longer
        with config_context(working_memory=64):
            model = DBSCAN(eps=eps, min_samples=min_samples, algorithm="brute").fit(fit_x)
        labels, core_index = model.labels_, model.core_sample_indices_
        if not len(core_index):
            return "found no dense group of students to compare with; every profile is different"
        core = fit_x[core_index]
        flags = np.zeros(n, dtype=bool)
        flags[fitted] = labels == -1
        if sampled:
            rest = np.ones(n, dtype=bool)
            rest[fitted] = False
            rest_rows = np.flatnonzero(rest)
            flags[rest_rows] = far_from_core(x[rest_rows], core, eps)
        rows = np.flatnonzero(flags)
        items = _reasons(x, rows, core, min_samples, themes, fit_x)
    items.sort(key=lambda item: (-item.gap, item.row))
    params = {"eps": round(eps, 4), "min_samples": min_samples, "eps_rule": "knee of the k-distance curve",
              "sampled": sampled, "fitted_on": int(len(fitted)), "core_points": int(len(core_index))}
    return Outliers(count=int(flags.sum()), method=METHOD, params=params, items=items, flags=flags)

