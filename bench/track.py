"""Terms over time: the time `track` takes on three linked terms of a large school, beside reading the CSVs.

Three terms of the demo school (`generate_terms`, --rows pupils in term 1) are written once; then, medians of
--runs, on one thread as the command runs: reading the three CSVs with pandas (the floor), reading and analysing
them (the first term fitted, the later ones placed on its personas), and the whole of `track` (that, plus
linking by UPN, moves, subject means and the per-student table).

    python bench/track.py [--rows 200000] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analytics.analysis import analyse  # noqa: E402
from analytics.ingest.read import read_path  # noqa: E402
from analytics.ingest.terms_gen import generate_terms  # noqa: E402
from analytics.track import track_files  # noqa: E402

LIMIT = 2**31  # no size limit: the bench files are larger than an upload may be


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def analyse_all(paths: list[str]) -> None:
    first = analyse(read_path(paths[0], LIMIT), outliers=False)
    for path in paths[1:]:
        analyse(read_path(path, LIMIT), outliers=False, persona_model=first.persona_model)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for term, frame in enumerate(generate_terms(args.rows, 3), 1):
            paths.append(os.path.join(folder, f"term{term}.csv"))
            frame.to_csv(paths[-1], index=False)
        megabytes = sum(os.path.getsize(p) for p in paths) / 2**20
        result = track_files(paths, max_bytes=LIMIT)
        print(f"3 terms of {args.rows:,} pupils ({megabytes:.0f} MB of CSV; {len(result.linked):,} in every term, "
              f"{len(result.joined):,} joined, {len(result.left):,} left), medians of {args.runs} runs, one thread")
        rows = [("pandas.read_csv of the three files", timed(lambda: [pd.read_csv(p) for p in paths], args.runs)),
                ("read + analyse the three (no linking)", timed(lambda: analyse_all(paths), args.runs)),
                ("track (read, analyse, link, moves, subjects)",
                 timed(lambda: track_files(paths, max_bytes=LIMIT), args.runs))]
    base = rows[0][1]
    print("| step | seconds | x pandas read |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
