"""Server time of one cross-filter update at 6.6k, 100k and 1M rows (the Kaggle file repeated).

One update = every callback a persona click sets off (view state, KPIs, persona and trajectory panels, radar,
both breakdowns, outlier table, student table, student map, risk summary with what-if and target, the
intervention list, the insights panel), called as the server calls them, on an analysis
already in memory. Each step includes encoding its outputs to JSON as Dash does (plotly's encoder), since
that is server time too. The map is drawn from a seeded random layout put in the cache (drawing does not depend on
where the points sit, and a real UMAP layout at 1M rows would take this bench minutes to make). The
baseline in the same run is the naive pandas way to get the same subset: `students[students[col] == value]`
on string columns, which is what a filter costs before any chart is drawn. Medians of --runs runs.

    python bench/crossfilter.py [--runs 7] [--sizes 1,15,151]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from plotly.io.json import to_json_plotly

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app runs interactive callbacks: one thread
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.explore import views  # noqa: E402
from analytics.models.projection import Projection  # noqa: E402
from backend.store import DatasetStore  # noqa: E402
from bench.summarize import kaggle_rows  # noqa: E402

KAGGLE_ROWS = 6607  # rows in the Kaggle file; a size of N means N copies of it
from callbacks import (  # noqa: E402
    breakdowns,
    filters,
    insights,
    interventions,
    outliers,
    overview,
    personas,
    risk,
    scenario,
    table,
    trajectories,
)
from callbacks import map as student_map  # noqa: E402
from callbacks.common import keep, min_group  # noqa: E402


def send(outputs) -> None:
    """What Dash does with a callback's return value before it leaves the server."""
    to_json_plotly(list(outputs) if isinstance(outputs, tuple) else outputs)


def one_update(store, dataset_id: str, analysis, name: str) -> dict:
    """Seconds per callback for a click on one persona slice."""
    view = {"dataset_id": dataset_id, "personas": 5}
    click = {"persona-donut": {"points": [{"customdata": name}]}}
    out, clock = {}, time.perf_counter()

    def lap(step):
        nonlocal clock
        now = time.perf_counter()
        out[step] = now - clock
        clock = now

    controls = dict(zip(filters.KEYS, [[], [], [], [], None, "all"]))
    state = filters.sync(store, "persona-donut", "", dataset_id, 5, None, {}, controls, None, click)
    send(state)
    f = state["filters"]
    lap("view state")
    send(overview.kpi_content(store, view, f))
    lap("kpis")
    send(personas.persona_panels(analysis, f, keep(store, analysis, f, ignore=("persona",)), keep(store, analysis, f)))
    send(personas.radar(analysis, "all", f))
    lap("personas")
    send(trajectories.trajectory_panels(analysis, f, keep(store, analysis, f, ignore=("trajectory",)),
                                        keep(store, analysis, f), min_group()))
    lap("trajectories")
    for by in ("gender", "school"):
        send(breakdowns.breakdown_panel(analysis, by, "percent", keep(store, analysis, f, ignore=(by,)), min_group()))
    lap("breakdowns")
    send(outliers.outlier_content(analysis, keep(store, analysis, f)))
    lap("outliers")
    send(table.block(store, view, f, {"startRow": 0, "endRow": 100}))  # the grid's first block after the purge
    lap("table")
    send(student_map.map_content(store, view, f, None, "persona", None))
    lap("map")
    send(risk.summary_content(store, view, f, None, None))
    send(scenario.cohort_content(store, view, f, None, None, {}))  # sliders at zero, as most of the time
    send(risk.target_content(store, view, f, 70, None, None))
    lap("risk")
    send(interventions.list_content(store, view, f, None, None))
    lap("interventions")
    send(insights.insights_content(store, view, f))  # the offline engine (no key); cached per view after
    lap("insights")
    return out


def naive(analysis, name: str) -> float:
    strings = analysis.students.astype({"Persona": str})
    start = time.perf_counter()
    strings[strings["Persona"] == name]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1,15,151", help="copies of the 6,607-row file")
    args = parser.parse_args()
    store = DatasetStore(tempfile.mkdtemp(prefix="bench-crossfilter-"), max_bytes=2**31)
    steps = ["view state", "kpis", "personas", "trajectories", "breakdowns", "outliers", "table", "map", "risk",
             "interventions", "insights"]
    print(f"{'rows':>9} | {'update ms':>9} | " + " | ".join(f"{s:>12}" for s in steps)
          + f" | {'naive filter ms':>15} | {'peak MB':>7}")
    print("-" * (52 + 15 * len(steps)))
    for times in (int(s) for s in args.sizes.split(",")):
        path = kaggle_rows(KAGGLE_ROWS * times)
        dataset_id = store.add(path.read_bytes(), path.name)
        store.run_jobs(dataset_id, 5)  # outliers and the risk model, as the dashboard's background jobs do
        analysis = store.analysis(dataset_id, 5)
        xy = np.random.default_rng(0).normal(size=(analysis.rows, 2)).astype(np.float32)
        store.set_projection(dataset_id, Projection(xy, False, analysis.rows, 0.0, "bench layout"))
        name = views.model_names(analysis, "personas")[1]
        start = time.perf_counter()
        store.whatif(dataset_id)  # fitted by the job above; prepared once per process, before anyone filters
        print(f"  ({analysis.rows:,} rows: what-if context prepared in {time.perf_counter() - start:.1f} s)")
        one_update(store, dataset_id, analysis, name)  # warm-up
        runs = [one_update(store, dataset_id, analysis, name) for _ in range(args.runs)]
        total = statistics.median(sum(r.values()) for r in runs) * 1000
        per = [statistics.median(r[s] for r in runs) * 1000 for s in steps]
        base = statistics.median(naive(analysis, name) for _ in range(args.runs)) * 1000
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{analysis.rows:>9,} | {total:>9.1f} | " + " | ".join(f"{p:>12.1f}" for p in per)
              + f" | {base:>15.1f} | {peak:>7.0f}")


if __name__ == "__main__":
    main()
