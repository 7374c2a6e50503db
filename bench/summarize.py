"""Time `summarize` on 6.6k, 66k and 660k rows (the Kaggle file repeated) beside the floor in the same run.

The floor is the least any tool must do: pandas.read_csv of the file plus one KMeans(5) on 8 standardised
columns. Each measurement runs in a fresh process (so peak memory is that step's own) and reports the
in-process seconds; the table shows medians over --runs runs.

    python bench/summarize.py [--runs 3] [--sizes 1,10,100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "student_performance_factors.csv"
OUT = ROOT / "bench" / "out"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
kind, path = sys.argv[2], sys.argv[3]
import pandas as pd, numpy as np
from sklearn.cluster import KMeans
from analytics import analyse_file
start = time.perf_counter()
if kind == "floor":
    frame = pd.read_csv(path)
    numeric = frame.select_dtypes("number").iloc[:, :7].to_numpy(float)
    codes = frame["Motivation_Level"].astype("category").cat.codes.to_numpy(float)[:, None]
    x = np.hstack([numeric, codes])
    x = (x - x.mean(0)) / x.std(0)
    KMeans(n_clusters=5, random_state=0).fit(x)
else:
    analyse_file(path, 5, max_bytes=2**31)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def kaggle_rows(rows: int) -> Path:
    """The Kaggle file's data rows, cycled to exactly `rows` rows (header once); written once under bench/out."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"kaggle_rows{rows}.csv"
    if not target.exists():
        lines = SOURCE.read_bytes().splitlines(keepends=True)
        body = lines[1:]
        with open(target, "wb") as fh:
            fh.write(lines[0])
            for start in range(0, rows, len(body)):
                fh.writelines(body[:min(len(body), rows - start)])
    return target


def repeated_file(times: int) -> Path:
    """The Kaggle file repeated `times` times."""
    return kaggle_rows(times * (SOURCE.read_bytes().count(b"\n") - 1))


def measure(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), kind, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,10,100", help="how many copies of the 6,607-row file")
    args = parser.parse_args()
    print(f"{'rows':>9} | {'summarize s':>11} | {'floor s':>8} | {'ratio':>5} | {'summarize MB':>12} | "
          f"{'floor MB':>8} | runs")
    print("-" * 75)
    for times in (int(s) for s in args.sizes.split(",")):
        path = repeated_file(times)
        ours, floor = [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
            ours.append(measure("summarize", path))
            floor.append(measure("floor", path))
        o = statistics.median(r["seconds"] for r in ours)
        f = statistics.median(r["seconds"] for r in floor)
        print(f"{6607 * times:>9,} | {o:>11.2f} | {f:>8.2f} | {o / f:>5.2f} | "
              f"{max(r['peak_mb'] for r in ours):>12.0f} | {max(r['peak_mb'] for r in floor):>8.0f} | {args.runs}")


if __name__ == "__main__":
    main()
