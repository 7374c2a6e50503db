"""Time to the first view against the whole analysis, and a small upload during a large one.

For the Kaggle file cycled to each size, in a fresh store: the core analysis a web request waits for (read,
clean, themes, personas, trajectories), then the two background jobs (outliers, the risk model) that used to
run on the request path too. Then a 6.6k-row upload analysed while the largest file is being analysed in
another thread: with per-dataset locks it does not wait for it (before, one process-wide lock made it wait).

    python bench/progressive.py [--sizes 6607,66070]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summarize import SOURCE, kaggle_rows  # noqa: E402

from backend.store import DatasetStore  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6607,66070")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'rows':>9} | {'first view s':>12} | {'outlier job s':>13} | {'risk job s':>10} | {'all on request s':>16}")
    print("-" * 74)
    for rows in sizes:
        store = DatasetStore(tempfile.mkdtemp(prefix="bench-progressive-"), max_bytes=2**31)
        dataset = store.add(kaggle_rows(rows).read_bytes(), f"kaggle_rows{rows}.csv")
        core = timed(lambda: store.analysis(dataset, 5))
        outliers = timed(lambda: store.find_outliers(dataset, 5))
        risk = timed(lambda: store.fit_risk(dataset))
        print(f"{rows:>9,} | {core:>12.2f} | {outliers:>13.2f} | {risk:>10.2f} | {core + outliers + risk:>16.2f}")

    store = DatasetStore(tempfile.mkdtemp(prefix="bench-progressive-"), max_bytes=2**31)
    big = store.add(kaggle_rows(max(sizes)).read_bytes(), "big.csv")
    small = store.add(SOURCE.read_bytes(), SOURCE.name)
    other = DatasetStore(tempfile.mkdtemp(prefix="bench-progressive-"), max_bytes=2**31)
    alone = timed(lambda: other.analysis(other.add(SOURCE.read_bytes(), SOURCE.name), 5))
    worker = threading.Thread(target=store.analysis, args=(big, 5))
    worker.start()
    time.sleep(0.2)  # the large analysis is under way
    during = timed(lambda: store.analysis(small, 5))
    big_busy = worker.is_alive()
    worker.join()
    print(f"\n6,607-row upload: {alone:.2f} s alone, {during:.2f} s while a {max(sizes):,}-row file was being "
          f"analysed ({'still running' if big_busy else 'already done'} when it returned)")


if __name__ == "__main__":
    main()
