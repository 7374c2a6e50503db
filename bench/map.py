"""Time the student map (UMAP) cold and warm, at 6.6k and 200k rows (the Kaggle file repeated).

- cold: a new process lays out a stored dataset (`map_worker.compute`), paying numba's compile: what every
  DiskcacheManager job would pay without the map worker.
- warm: the already-warm map worker does the same job (client-side wall time, layout not cached).
- baseline: plain `umap.UMAP().fit_transform(z)` in a fresh process, on the same theme matrix.
- settings: in one warm process, today's settings (projection.NEIGHBOURS/EPOCHS) against umap's defaults as the
  map used them before (15 neighbours, 500 epochs below 10k rows), alternating, with each layout's
  trustworthiness (sklearn, 15 neighbours): the quality check for the faster settings.
- warm-up: `projection.warm_up()` in a fresh process, the one-time cost per server start.
- figure: the map-drawing callback (`callbacks.map.map_content`) at the largest size, reading the cached
  layout, plus the JSON Dash would send.
Process times are measured inside the process (imports included, interpreter start not); peak memory is
each process's max RSS. Medians over --runs (cold runs are expensive; --cold-runs defaults to 2).

    python bench/map.py [--runs 3] [--cold-runs 2] [--rows 6607,200000] [--baseline-large]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.summarize import kaggle_rows  # noqa: E402

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
kind, cache, dataset_id = sys.argv[2], sys.argv[3], sys.argv[4]
from backend.store import DatasetStore
store = DatasetStore(cache, max_bytes=2**40)
if kind == "cold":
    from backend.map_worker import compute
    compute(store, dataset_id, 5)
elif kind == "settings":
    import numpy as np, statistics
    from sklearn.manifold import trustworthiness
    from analytics.models.projection import project, warm_up
    from analytics.models.themes import theme_matrix
    warm_up()
    z = np.nan_to_num(theme_matrix(store.analysis(dataset_id, 5)).astype(np.float32))
    times, trust = {"today": [], "umap defaults": []}, {}
    for _ in range(int(sys.argv[5])):
        for name, options in (("today", {}), ("umap defaults", {"neighbours": 15, "epochs": None})):
            p = project(z, **options)
            times[name].append(p.seconds)
            trust[name] = trustworthiness(z, p.xy, n_neighbors=15)
    print(json.dumps({name: {"seconds": statistics.median(times[name]), "trust": trust[name]} for name in times}))
    sys.exit()
elif kind == "warmup":
    from analytics.models.projection import warm_up
    warm_up()
else:
    from analytics.models.themes import theme_matrix
    import umap
    umap.UMAP().fit_transform(theme_matrix(store.analysis(dataset_id, 5)))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(kind: str, cache: str, dataset_id: str, numba_threads: str | None = "1", runs: int = 1) -> dict:
    env = dict(os.environ)
    if numba_threads:
        env["NUMBA_NUM_THREADS"] = numba_threads  # as the map worker runs
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), kind, cache, dataset_id, str(runs)], capture_output=True,
                         text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs and figure runs per size")
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument("--rows", default="6607,200000")
    parser.add_argument("--baseline-large", action="store_true", help="also run the baseline above 6,607 rows")
    args = parser.parse_args()

    from analytics.models.projection import VERSION
    from backend import map_worker
    from backend.store import ANALYSIS_VERSION, DatasetStore

    cache = tempfile.mkdtemp(prefix="bench-map-")
    store = DatasetStore(cache, max_bytes=2**40)
    sizes = [int(s) for s in args.rows.split(",")]
    ids = {}
    for rows in sizes:  # analyses computed here, so every timing below is the map alone
        ids[rows] = store.add(kaggle_rows(rows).read_bytes(), f"kaggle_rows{rows}.csv")
        store.analysis(ids[rows], 5)
    load = os.getloadavg()[0]
    supervisor = map_worker.Supervisor(cache).start()
    try:
        while not (map_worker.ping(cache, wait=30) or {}).get("warm"):
            time.sleep(0.5)
        worker = map_worker.ping(cache)
        results = {}
        for rows in sizes:
            key = ("map", ANALYSIS_VERSION, VERSION, ids[rows])
            warm = []
            for _ in range(args.runs):
                store.cache.delete(key)
                begin = time.perf_counter()
                reply = map_worker.request(cache, ids[rows], 5)
                assert reply["ok"] and not reply["cached"] and reply["pid"] == worker["pid"], reply
                warm.append(time.perf_counter() - begin)
            cold = [child("cold", cache, ids[rows]) for _ in range(args.cold_runs)]
            base = [child("baseline", cache, ids[rows], numba_threads=None)
                    for _ in range(args.cold_runs)] if rows <= 6607 or args.baseline_large else []
            results[rows] = (warm, cold, base)
        warm_ups = [child("warmup", cache, ids[sizes[0]]) for _ in range(args.cold_runs)]
        settings = child("settings", cache, ids[sizes[0]], runs=args.runs)
        worker_peak = peak_rss_mb(worker["pid"])
    finally:
        supervisor.stop()

    figure = figure_times(store, ids[sizes[-1]], args.runs)
    print(f"Student map, medians; machine load {load:.2f} at start, {os.getloadavg()[0]:.2f} at end "
          f"(2 cores, shared)")
    print(f"{'rows':>9} | {'cold s':>7} | {'warm s':>7} | {'speed-up':>8} | {'baseline s':>10} | "
          f"{'cold MB':>7} | {'baseline MB':>11} | runs (warm/cold)")
    print("-" * 92)
    for rows, (warm, cold, base) in results.items():
        c, w = median([r["seconds"] for r in cold]), median(warm)
        b = median([r["seconds"] for r in base])
        print(f"{rows:>9,} | {c:>7.1f} | {w:>7.1f} | {c / w:>7.1f}x | {b:>10.1f} | "
              f"{max(r['peak_mb'] for r in cold):>7.0f} | "
              f"{max((r['peak_mb'] for r in base), default=float('nan')):>11.0f} | {len(warm)}/{len(cold)}")
    print(f"\none-time warm-up per server (fresh process): {median([r['seconds'] for r in warm_ups]):.1f} s, "
          f"{max(r['peak_mb'] for r in warm_ups):.0f} MB peak; in the map worker (niced): "
          f"{worker['warm_seconds']:.1f} s")
    print(f"\nsettings at {sizes[0]:,} rows, one warm process, alternating, medians of {args.runs}:")
    for name, result in settings.items():
        print(f"  {name:<14} {result['seconds']:>5.2f} s   trustworthiness (15 neighbours) {result['trust']:.4f}")
    print(f"map worker peak RSS over the whole run: {worker_peak:.0f} MB")
    print(f"figure callback at {sizes[-1]:,} rows (cached layout): "
          + ", ".join(f"{name} {ms:.0f} ms" for name, ms in figure["ms"].items())
          + f"; JSON {figure['mb']:.1f} MB, serialised in {figure['json_ms']:.0f} ms")
    shutil.rmtree(cache, ignore_errors=True)


def figure_times(store, dataset_id: str, runs: int) -> dict:
    from plotly.io.json import to_json_plotly

    from callbacks.map import map_content

    view = {"dataset_id": dataset_id, "personas": 5}
    analysis = store.analysis(dataset_id, 5)
    persona = analysis.personas[0].name
    cases = {"all": ({}, None, "persona"), "persona filter": ({"persona": [persona]}, None, "persona"),
             "score colour + student": ({}, 5, "score")}
    timings, fig = {}, None
    for name, (filters, student, colour) in cases.items():
        times = []
        for _ in range(runs + 1):  # the first run pays imports and warms plotly's validators
            begin = time.perf_counter()
            fig, _, _ = map_content(store, view, filters, student, colour, None)
            times.append(time.perf_counter() - begin)
        timings[name] = 1000 * median(times[1:])
    begin = time.perf_counter()
    text = to_json_plotly(fig)
    return {"ms": timings, "mb": len(text) / 1e6, "json_ms": 1000 * (time.perf_counter() - begin)}


if __name__ == "__main__":
    main()
