"""Outliers and "students like this" at scale, beside plain scikit-learn in the same run.

Data: seeded generated cohorts (`python -m analytics generate`), whose students are all different, as in a
real school group; the Kaggle file repeated would hand DBSCAN thousands of exact duplicates.

* outliers: `analytics.models.outliers.find_outliers` on the standardised themes (sampled DBSCAN above 15k rows, the
  rest placed by nearest core point). Baseline: `sklearn.cluster.DBSCAN` on every student with the same eps and
  min_samples (one run; at 1M only with --baseline-large: it takes minutes).
* neighbours: `similar()` and `theme_percentiles()` for one student. Baseline: `NearestNeighbors(brute)` fit +
  kneighbors for the same student.
Medians of --runs runs; "MB" is the peak traced by tracemalloc during the step (numpy and scikit-learn arrays).

    python bench/explore.py [--runs 3] [--rows 200000,1000000] [--baseline-large]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.cluster import DBSCAN  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from analytics.analysis import analyse_file  # noqa: E402
from analytics.explore.neighbours import similar, theme_percentiles  # noqa: E402
from analytics.ingest.generate import generate_students  # noqa: E402
from analytics.models.outliers import find_outliers  # noqa: E402
from analytics.models.themes import theme_matrix  # noqa: E402

OUT = ROOT / "bench" / "out"


def generated(rows: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"generated_{rows}.csv"
    if not path.exists():
        generate_students(rows, 11).to_csv(path, index=False)
    return path


def timed(fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="200000,1000000")
    parser.add_argument("--baseline-large", action="store_true", help="also run full DBSCAN above 200k rows")
    args = parser.parse_args()
    print(f"{'rows':>9} | {'outliers s':>10} | {'MB':>5} | {'found':>6} | {'full DBSCAN s':>13} | {'MB':>5} | "
          f"{'agree':>6} | {'similar ms':>10} | {'percentiles ms':>14} | {'sklearn NN ms':>13}")
    print("-" * 118)
    for rows in (int(r) for r in args.rows.split(",")):
        analysis = analyse_file(str(generated(rows)), max_bytes=2**31)
        x = theme_matrix(analysis).astype(np.float64)
        runs = [timed(lambda: find_outliers(x, analysis.themes)) for _ in range(args.runs)]
        found = runs[0][0]
        seconds, peak = statistics.median(r[1] for r in runs), statistics.median(r[2] for r in runs)
        base, agree = "skipped", ""
        base_mb = ""
        if rows <= 200_000 or args.baseline_large:
            with threadpool_limits(1):
                labels, base_s, base_peak = timed(lambda: DBSCAN(eps=found.params["eps"],
                                                                 min_samples=found.params["min_samples"]).fit(x).labels_)
            full = labels == -1
            # how many of our outliers full DBSCAN also calls noise, at the eps chosen on the sample
            agree = f"{(full & found.flags).sum() / max(found.flags.sum(), 1):.0%}"
            base, base_mb = f"{base_s:.1f}", f"{base_peak:.0f}"
        row = rows // 2
        near = statistics.median(timed(lambda: similar(analysis, row, 6))[1] for _ in range(args.runs)) * 1000
        pct = statistics.median(timed(lambda: theme_percentiles(analysis, row))[1] for _ in range(args.runs)) * 1000

        def sklearn_nn():
            with threadpool_limits(1):
                return NearestNeighbors(n_neighbors=7, algorithm="brute").fit(x).kneighbors(x[row:row + 1])
        nn = statistics.median(timed(sklearn_nn)[1] for _ in range(args.runs)) * 1000
        print(f"{rows:>9,} | {seconds:>10.2f} | {peak:>5.0f} | {found.count:>6,} | {base:>13} | {base_mb:>5} | "
              f"{agree:>6} | {near:>10.1f} | {pct:>14.1f} | {nn:>13.1f}")


if __name__ == "__main__":
    main()
