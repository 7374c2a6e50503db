"""Benchmarks against reference figures: time of the comparison (every figure of a reference, every group) on the
demo school at each size, against a pandas groupby baseline that works out the same means and shares without
intervals. The school's file is read and mapped once per size (not timed: the dashboard has it already); times
are the median of --runs calls.

    python bench/benchmark.py [--runs 3] [--rows 1000,100000,1000000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app runs callbacks: one thread
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.compare.benchmark import benchmark  # noqa: E402
from analytics.compare.reference import read_reference  # noqa: E402
from analytics.compare.school import school_from_frame  # noqa: E402
from analytics.ingest.school import generate_school  # noqa: E402
from bench.timing import timed  # noqa: E402

GROUPS = ("all", "disadvantaged", "not disadvantaged", "SEN support", "EHC plan", "no SEN", "EAL", "not EAL",
          "boys", "girls")
WHAT = (("English and maths", "pct_grade4_plus"), ("English and maths", "pct_grade5_plus"), ("Maths", "mean"),
        ("English", "mean"), ("Science", "mean"), ("Science", "pct_at_least_50"), ("Attendance", "absence_rate"),
        ("Attendance", "pct_persistent_absence"))
COLUMNS = {"disadvantaged": ("FSM", "Y"), "not disadvantaged": ("FSM", "N"), "SEN support": ("SEN", "K"),
           "EHC plan": ("SEN", "E"), "no SEN": ("SEN", "N"), "EAL": ("EAL", "Y"), "not EAL": ("EAL", "N"),
           "boys": ("Gender", "M"), "girls": ("Gender", "F")}


def school(rows: int) -> pd.DataFrame:
    frame = generate_school(rows, 11)
    for subject in ("English", "Maths"):  # GCSE grades, so the grade 4+ shares are on their own measure
        frame[f"{subject} Grade"] = (frame.pop(f"{subject} Mock").astype("Float64") // 11).clip(0, 9).astype("Int64")
    return frame


def reference() -> bytes:
    lines = ["subject,measure,group,year,value"]
    lines += [f"{s},{m},{g},2022/23,50" for s, m in WHAT for g in GROUPS]
    return "\n".join(lines).encode()


def baseline(frame: pd.DataFrame) -> pd.DataFrame:
    """The same figures with pandas groupby: a mean or share and a count per group column, no intervals."""
    values = pd.DataFrame({
        "English and maths|pct_grade4_plus": ((frame["English Grade"] >= 4) & (frame["Maths Grade"] >= 4))
        .astype("Float64").where(frame["English Grade"].notna() & frame["Maths Grade"].notna()) * 100,
        "English and maths|pct_grade5_plus": ((frame["English Grade"] >= 5) & (frame["Maths Grade"] >= 5))
        .astype("Float64").where(frame["English Grade"].notna() & frame["Maths Grade"].notna()) * 100,
        "Maths|mean": frame["Maths Grade"].astype(float), "English|mean": frame["English Grade"].astype(float),
        "Science|mean": frame["Science Mock"].astype(float),
        "Science|pct_at_least_50": (frame["Science Mock"] >= 50).astype("Float64").where(frame["Science Mock"].notna()) * 100,
        "Attendance|absence_rate": 100 - frame["Attendance %"].astype(float),
        "Attendance|pct_persistent_absence": (frame["Attendance %"] <= 90).astype(float) * 100,
    }).astype(float)
    parts = [values.agg(["mean", "count"]).T.assign(group="all")]
    for column in ("FSM", "SEN", "EAL", "Gender"):
        grouped = values.groupby(frame[column], observed=True).agg(["mean", "count"]).stack(level=0,
                                                                                          future_stack=True)
        parts.append(grouped.reset_index(level=0).rename(columns={column: "group"}))
    return pd.concat(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", default="1000,100000,1000000")
    args = parser.parse_args()
    ref = read_reference(reference(), "reference.csv")
    print(f"{len(ref.figures)} reference figures ({len(WHAT)} measures x {len(GROUPS)} groups), "
          f"median of {args.runs}\n")
    print("| students | read + map (s, once) | benchmark (s) | pandas groupby baseline (s) | ratio | compared |")
    print("|---:|---:|---:|---:|---:|---:|")
    for rows in (int(r) for r in args.rows.split(",")):
        frame = school(rows)
        start = time.perf_counter()
        data = school_from_frame(frame, "school.csv")
        prepare = time.perf_counter() - start
        ours, result = timed(lambda: benchmark(data, ref), args.runs)
        base, table = timed(lambda: baseline(frame), args.runs)
        check = result.comparisons[0]
        expected = table[table["group"] == "all"].loc["English and maths|pct_grade4_plus", "mean"]
        assert np.isclose(check["school"], expected), (check, expected)
        print(f"| {rows:,} | {prepare:.2f} | {ours:.3f} | {base:.3f} | {ours / base:.1f}x | "
              f"{len(result.comparisons)} (+{len(result.gaps)} gaps) |")


if __name__ == "__main__":
    main()
