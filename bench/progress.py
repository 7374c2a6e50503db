"""Progress: time to fit every student's expected results (once per dataset) and to average a filtered view.

An MIS-style cohort (KS2 scaled score, three subjects on percentage and GCSE scales, a combined outcome,
form, FSM, SEN, gender) of each size; times are the median of --runs calls.

    python bench/progress.py [--runs 3] [--rows 6600,200000]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app runs callbacks: one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.explore.progress import ALL, progress_view  # noqa: E402
from analytics.predict.progress import measure_progress  # noqa: E402
from analytics.results import Analysis  # noqa: E402
from bench.timing import timed  # noqa: E402


def cohort(rows: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ks2 = np.clip(np.round(rng.normal(104, 6, rows)), 80, 120)
    ks2[rng.random(rows) < 0.03] = np.nan
    frame = pd.DataFrame({
        "KS2": ks2, "Form": pd.Categorical(rng.choice([f"{y}{c}" for y in (7, 8, 9, 10, 11) for c in "ABCDEF"], rows)),
        "FSM": pd.Categorical(rng.choice(["Y", "N"], rows, p=[.25, .75])),
        "SEN": pd.Categorical(rng.choice(["N", "K", "E"], rows, p=[.84, .13, .03])),
        "Gender": pd.Categorical(rng.choice(["F", "M"], rows))})
    base = np.nan_to_num(ks2 - 104)
    frame["Maths"] = np.clip(np.round(base * 3 + 55 + rng.normal(0, 10, rows)), 0, 100)
    frame["English"] = np.clip(np.round(base * 2 + 58 + rng.normal(0, 10, rows)), 0, 100)
    frame["Science"] = np.clip(np.round(base * 0.3 + 5 + rng.normal(0, 1.5, rows)), 0, 9)
    frame.loc[rng.random(rows) < 0.02, "Maths"] = np.nan
    frame["Combined"] = frame[["Maths", "English", "Science"]].apply(lambda c: (c - c.mean()) / c.std()).mean(axis=1)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="6600,200000")
    args = parser.parse_args()
    print("| students | fit once (4 subjects) | view: one subject by form | view: all subjects by FSM |")
    print("|---:|---:|---:|---:|")
    for rows in [int(r) for r in args.rows.split(",")]:
        students = cohort(rows)
        subjects = {"Maths": "Maths", "English": "English", "Science": "Science"}
        fit, found = timed(lambda: measure_progress(students, subjects, "KS2", outcome="Combined",
                                                    outcome_name="Combined score"), args.runs)
        analysis = Analysis("bench", "bench.csv", rows, {"previous_score": "KS2", "form": "Form", "fsm": "FSM",
                                                         "sen": "SEN", "gender": "Gender"}, {}, [], [], [], {}, {},
                            [], {}, students, progress=found)
        keep = (students["Gender"] == "F").to_numpy()
        one, _ = timed(lambda: progress_view(analysis, "Maths", "form", keep, 10), args.runs)
        every, _ = timed(lambda: progress_view(analysis, ALL, "fsm", keep, 10), args.runs)
        print(f"| {rows:,} | {fit * 1000:,.0f} ms | {one * 1000:,.1f} ms | {every * 1000:,.1f} ms |")


if __name__ == "__main__":
    main()
