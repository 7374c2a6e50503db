"""Risk per subject: the time the subjects job takes on a school-sized MIS export, by number of subjects.

A seeded MIS-style frame (tests/test_mapping.py::mis_frame, with extra percentage mocks made the same way and
every 15th maths mark blank) of --rows pupils; for 1, 3 and 6 subjects, the outcome's model (the first view
waits for it alone) and then every subject's model (5-fold cross-validation and the final fit each), medians
of --runs, on one thread as the job runs.

    python bench/subjects.py [--rows 3000] [--runs 3] [--subjects 1,3,6]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from test_mapping import mis_frame, table  # noqa: E402

from analytics.analysis import analyse  # noqa: E402
from analytics.predict.risk import fit_risk  # noqa: E402
from analytics.predict.subject_risk import fit_subject  # noqa: E402

EXTRA = ["Science Mock", "History Mock", "Geography Mock", "French Mock"]


def school(rows: int, subjects: int, seed: int = 3):
    frame = mis_frame(rows, seed).drop(columns=["Art Grade"])
    rng = np.random.default_rng(seed + 1)
    ks2 = frame["KS2 Scaled Score"].to_numpy()
    for name in EXTRA:
        frame[name] = np.clip(np.round((ks2 - 104) * 2.5 + 55 + rng.normal(0, 11, rows)), 0, 100)
    frame.loc[::15, "Maths Mock"] = np.nan
    marks = ["Maths Mock", "English Mock", *EXTRA][:subjects]
    frame = frame.drop(columns=[c for c in ["Maths Mock", "English Mock", *EXTRA] if c not in marks])
    return analyse(table(frame), outliers=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--subjects", default="1,3,6")
    args = parser.parse_args(argv)
    print(f"{args.rows:,} pupils, medians of {args.runs} runs (seconds, one thread)")
    print("| subjects | outcome model | all subject models | per subject | whole job |")
    print("|---:|---:|---:|---:|---:|")
    for n in [int(v) for v in args.subjects.split(",")]:
        analysis = school(args.rows, n)
        names = list(analysis.subject_columns)
        outcome, subjects = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            fit_risk(analysis)
            middle = time.perf_counter()
            for name in names:
                fit_subject(analysis, name)
            outcome.append(middle - start)
            subjects.append(time.perf_counter() - middle)
        o, s = statistics.median(outcome), statistics.median(subjects)
        print(f"| {len(names)} | {o:.2f} | {s:.2f} | {s / len(names):.2f} | {o + s:.2f} |")


if __name__ == "__main__":
    main()
