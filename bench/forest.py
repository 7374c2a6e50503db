"""How many trees the class-sized random forests need (files of 1,000 students or fewer).

Per file and tree count: the regression's out-of-fold RMSE and MAE, and the pass/fail classifier's out-of-fold
log loss, Brier score and accuracy, each the mean of --repeats runs of 5-fold cross-validation (seeds 0, 1, ...)
with the spread across runs; then one whole fit_risk (5-fold CV, the pass/fail task, the final fits), median of
--speed-runs. The first row of each file is the baseline: the tree counts the app used before (200 and 300).

    python bench/forest.py [--trees 200:300,100:150,50:75] [--repeats 5] [--speed-runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app fits: one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from analytics.analysis import analyse, analyse_file  # noqa: E402
from analytics.ingest.read import Table  # noqa: E402
from analytics.ingest.school import generate_school  # noqa: E402
from analytics.predict import passfail, risk  # noqa: E402
from analytics.predict.passmark import default_pass_mark  # noqa: E402
from analytics.predict.crossval import cross_validate  # noqa: E402
from analytics.predict.features import encode, fit_spec  # noqa: E402

DATA = ROOT / "tests" / "data"


def files() -> dict:
    found = {name: analyse_file(str(DATA / name)) for name in
             ("uci_student_mat.csv", "uci_student_por.csv", "exams_students_performance.csv")}
    found["generated school"] = analyse(Table(generate_school(600, 11), "school.csv", "utf-8", ","), outliers=False)
    return found


def quality(analysis, repeats: int) -> dict:
    """Mean (and spread) over `repeats` runs of 5-fold CV of the regression and the classifier."""
    spec = fit_spec(analysis)
    X = encode(spec, analysis)
    y = analysis.students[analysis.exam_column].to_numpy(dtype=float)
    keep = ~np.isnan(y)
    X, y = X[keep], y[keep]
    mark, _ = default_pass_mark(analysis, y)
    below = y < risk.cut_for(mark, bool(np.all(y % 1 == 0)))
    mono = risk.monotonic(spec)
    runs = {"rmse": [], "mae": [], "log_loss": [], "brier": [], "accuracy": []}
    for seed in range(repeats):
        cv, _ = cross_validate(X, y, None, lambda: risk.make_model(spec, len(y)), seed=seed)
        err = y - cv.predictions["model"]
        runs["rmse"].append(float(np.sqrt(np.mean(err ** 2))))
        runs["mae"].append(float(np.mean(np.abs(err))))
        chance = np.empty(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, below):
            model = passfail.make_classifier(spec, len(train), mono).fit(X[train], below[train])
            chance[test] = model.predict_proba(X[test])[:, 1]
        runs["log_loss"].append(float(log_loss(below, chance, labels=[False, True])))
        runs["brier"].append(float(brier_score_loss(below, chance)))
        runs["accuracy"].append(float(np.mean((chance > 0.5) == below)))
    return {k: (statistics.mean(v), (max(v) - min(v)) / 2) for k, v in runs.items()}


def fit_seconds(analysis, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        risk.fit_risk(analysis)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trees", default="200:300,100:150,50:75",
                        help="regression:classifier tree counts, comma-separated; the first is the baseline")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--speed-runs", type=int, default=3)
    args = parser.parse_args()
    settings = [tuple(int(n) for n in pair.split(":")) for pair in args.trees.split(",")]
    print("| file | trees (regression, classifier) | RMSE | MAE | log loss | Brier | accuracy | fit_risk s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, analysis in files().items():
        for reg, clf in settings:
            risk.FOREST_TREES, passfail.FOREST_TREES = reg, clf
            q = quality(analysis, args.repeats)
            cells = " | ".join(f"{q[k][0]:.3f} ±{q[k][1]:.3f}" for k in ("rmse", "mae", "log_loss", "brier", "accuracy"))
            print(f"| {name} ({analysis.rows:,}) | {reg}, {clf} | {cells} | {fit_seconds(analysis, args.speed_runs):.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
