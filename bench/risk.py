"""The risk model: Cortez & Silva (2008) comparison on the UCI files, fit time, slider and list times.

1. UCI Student Performance, their protocol: pass = G3 >= 10; inputs with G1 and G2 (A), G1 only (B), no
   grades (C); 20 runs of 10-fold cross-validation. We report the pass/fail accuracy of our regression model
   read at the pass mark and the RMSE of G3, beside their best reported figures and the majority class.
2. Fit time (5-fold cross-validation + final model) and one scenario-slider update (attendance +10, the
   whole cohort) at 6.6k and 100k rows (the Kaggle file repeated), medians of --runs. Baseline in the same
   run: one plain predict over every student, the floor any what-if pays.

    python bench/risk.py [--runs 20] [--speed-runs 5] [--sizes 1,15]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app runs callbacks: one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from analytics.analysis import analyse_file  # noqa: E402
from analytics.predict import interventions, risk, whatif  # noqa: E402
from analytics.predict.features import encode, fit_spec  # noqa: E402
from bench.summarize import kaggle_rows  # noqa: E402

KAGGLE_ROWS = 6607  # rows in the Kaggle file; a size of N means N copies of it

DATA = ROOT / "tests" / "data"
# Their best result per setting (Cortez & Silva 2008, tables 3 and 5): accuracy %, RMSE; majority class %.
PAPER = {"mat": {"A": (91.9, 1.75), "B": (83.8, 2.46), "C": (70.6, 3.90), "majority": 67.1},
         "por": {"A": (93.0, 1.32), "B": (90.1, 1.78), "C": (85.0, 2.67), "majority": 84.6}}
SETTINGS = {"A": (), "B": ("G2",), "C": ("G1", "G2")}


def cortez(runs: int) -> None:
    print(f"Cortez & Silva protocol: pass = G3 >= 10, {runs} runs of 10-fold CV\n")
    print(f"{'file':<5} {'inputs':<14} | {'accuracy %':>10} {'paper %':>8} | {'RMSE':>6} {'paper':>6} | "
          f"{'majority %':>10} | verdict")
    print("-" * 86)
    for name in ("mat", "por"):
        analysis = analyse_file(str(DATA / f"uci_student_{name}.csv"))
        y = analysis.students["G3"].to_numpy(dtype=float)
        majority = max((y >= 10).mean(), (y < 10).mean()) * 100
        for setting, dropped in SETTINGS.items():
            spec = fit_spec(analysis, exclude=dropped)
            X = encode(spec, analysis)
            accuracy, rmse = [], []
            for run in range(runs):
                cv, _ = risk.cross_validate(X, y, None, lambda: risk.make_model(spec, len(y) * 9 // 10), folds=10,
                                            seed=run)
                pred = np.clip(cv.predictions["model"], 0, 20)
                accuracy.append(np.mean((pred >= 9.5) == (y >= 10)) * 100)  # whole grades: 9.5 is the cut
                rmse.append(np.sqrt(np.mean((y - pred) ** 2)))
            acc, err = float(np.mean(accuracy)), float(np.mean(rmse))
            paper_acc, paper_rmse = PAPER[name][setting]
            verdict = ("beats both" if acc >= paper_acc and err <= paper_rmse else
                       "accuracy only" if acc >= paper_acc else "RMSE only" if err <= paper_rmse else "behind both")
            label = {"A": "G1+G2", "B": "G1 only", "C": "no grades"}[setting]
            print(f"{name:<5} {label:<14} | {acc:>10.1f} {paper_acc:>8.1f} | {err:>6.2f} {paper_rmse:>6.2f} | "
                  f"{majority:>10.1f} | {verdict}")
    print(f"\n(paper majority class: maths {PAPER['mat']['majority']} %, Portuguese {PAPER['por']['majority']} %)")


def speed(runs: int, sizes: list[int]) -> None:
    print(f"\nRisk model speed (medians of {runs}; one thread)\n")
    print(f"{'rows':>8} | {'fit s':>7} | {'slider ms':>9} | {'predict-all ms':>14} | {'list ms':>8} | "
          f"{'prepare ms':>10}")
    print("-" * 72)
    for times in sizes:
        path = kaggle_rows(KAGGLE_ROWS * times)
        analysis = analyse_file(str(path))
        analysis.dataset_id = f"bench-{times}"
        fits, model = [], None
        for _ in range(max(1, runs // 2) if times > 1 else runs):
            start = time.perf_counter()
            model = risk.fit_risk(analysis)
            fits.append(time.perf_counter() - start)
        start = time.perf_counter()
        ctx = whatif.prepare(model, analysis, risk.predicted_scores(model, analysis))
        prepare = time.perf_counter() - start
        mark = model.default_pass_mark
        slider, floor = [], []
        for _ in range(runs):
            start = time.perf_counter()
            whatif.scenario(ctx, mark, {"attendance": 10})
            slider.append(time.perf_counter() - start)
            start = time.perf_counter()
            model.model.predict(ctx.X)
            floor.append(time.perf_counter() - start)
        scores = risk.score_cohort(model, analysis, predicted=ctx.predicted)
        start = time.perf_counter()
        interventions.intervention_list(analysis, scores, ctx)
        listing = time.perf_counter() - start
        print(f"{analysis.rows:>8,} | {statistics.median(fits):>7.2f} | {statistics.median(slider) * 1000:>9.1f} | "
              f"{statistics.median(floor) * 1000:>14.1f} | {listing * 1000:>8.0f} | {prepare * 1000:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="CV repetitions for the Cortez protocol")
    parser.add_argument("--speed-runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,15", help="copies of the 6,607-row file")
    parser.add_argument("--skip-cortez", action="store_true")
    args = parser.parse_args()
    if not args.skip_cortez:
        cortez(args.runs)
    speed(args.speed_runs, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
