"""Time `summarize --json` with and without the risk model on 6.6k, 66k and 660k rows, beside the floor
measured in the same run.

The floor is the least any tool must do: pandas.read_csv of the file plus one KMeans(5) on 8 standardised
columns. Each measurement runs in a fresh process (so peak memory is that step's own) and reports the
in-process seconds of `python -m analytics summarize FILE --json [--no-risk]` (imports excluded, as for the
floor); the table shows medians over --runs runs, the three steps interleaved so that drift in machine load
hits them alike. The last column is the median of the persona stability's own seconds (`stability_method.seconds`
in the JSON), the part of `summarize` that measures how stable each number of personas is.

Data: seeded generated cohorts (`python -m analytics generate --seed 7`), whose students are all different as
in a real school; `--data kaggle` repeats the Kaggle file instead (thousands of exact duplicates); `--data school`
is the MIS-style demo school (`generate --school`: subjects, KS2, FSM/SEN/EAL; its floor is KMeans on its four
theme columns).

    python bench/summarize.py [--runs 3] [--rows 6600,66000,660000] [--data generated|kaggle|school]
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
STEPS = ("floor", "no-risk", "risk")

CHILD = r"""
import contextlib, io, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
kind, path = sys.argv[2], sys.argv[3]
import pandas as pd, numpy as np
from sklearn.cluster import KMeans
from analytics.__main__ import main
start = time.perf_counter()
if kind == "floor":
    frame = pd.read_csv(path)
    if "Motivation_Level" in frame:
        numeric = frame.select_dtypes("number").iloc[:, :7].to_numpy(float)
        codes = frame["Motivation_Level"].astype("category").cat.codes.to_numpy(float)[:, None]
        x = np.hstack([numeric, codes])
    else:  # the school: its four theme columns, blanks at the median
        x = frame[["Attendance %", "KS2 Scaled Score", "Homework Completion %", "Behaviour Points"]]
        x = x.fillna(x.median()).to_numpy(float)
    x = (x - x.mean(0)) / x.std(0)
    KMeans(n_clusters=5, random_state=0).fit(x)
else:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["summarize", path, "--json", "--max-mb", "4096"] + (["--no-risk"] if kind == "no-risk" else []))
    assert status == 0
seconds = time.perf_counter() - start
stability = json.loads(out.getvalue()).get("stability_method", {}).get("seconds") if kind != "floor" else None
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "stability": stability}))
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


def generated_rows(rows: int) -> Path:
    """A seeded generated cohort of `rows` students; written once under bench/out."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"generated_seed7_rows{rows}.csv"
    if not target.exists():
        subprocess.run([sys.executable, "-m", "analytics", "generate", "--rows", str(rows), "--seed", "7", "--out",
                        str(target)], cwd=ROOT, check=True, capture_output=True)
    return target


def school_rows(rows: int) -> Path:
    """The seeded demo school (`generate --school`) with `rows` students; written once under bench/out."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"school_seed11_rows{rows}.csv"
    if not target.exists():
        subprocess.run([sys.executable, "-m", "analytics", "generate", "--school", "--rows", str(rows), "--out",
                        str(target)], cwd=ROOT, check=True, capture_output=True)
    return target


def measure(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), kind, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="6600,66000,660000")
    parser.add_argument("--data", choices=("generated", "kaggle", "school"), default="generated")
    args = parser.parse_args()
    make = {"generated": generated_rows, "kaggle": kaggle_rows, "school": school_rows}[args.data]
    print(f"{'rows':>9} | {'floor s':>7} | {'no-risk s':>9} | {'x floor':>7} | {'risk s':>7} | {'x floor':>7} | "
          f"{'floor MB':>8} | {'no-risk MB':>10} | {'risk MB':>7} | {'stability s':>11} | runs")
    print("-" * 117)
    for rows in (int(r) for r in args.rows.split(",")):
        path = make(rows)
        runs = {step: [] for step in STEPS}
        for _ in range(args.runs):
            for step in STEPS:
                runs[step].append(measure(step, path))
        s = {step: statistics.median(r["seconds"] for r in runs[step]) for step in STEPS}
        mb = {step: max(r["peak_mb"] for r in runs[step]) for step in STEPS}
        # the persona stability's own seconds inside both summarize steps (none before it existed)
        stab = [r["stability"] for step in ("no-risk", "risk") for r in runs[step] if r.get("stability") is not None]
        stab_text = f"{statistics.median(stab):>11.2f}" if stab else f"{'–':>11}"
        print(f"{rows:>9,} | {s['floor']:>7.2f} | {s['no-risk']:>9.2f} | {s['no-risk'] / s['floor']:>7.2f} | "
              f"{s['risk']:>7.2f} | {s['risk'] / s['floor']:>7.2f} | {mb['floor']:>8.0f} | {mb['no-risk']:>10.0f} | "
              f"{mb['risk']:>7.0f} | {stab_text} | {args.runs}", flush=True)


if __name__ == "__main__":
    main()
