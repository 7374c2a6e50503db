"""Signed-in users cross-filtering at once under gunicorn (threaded workers), plus a few uploads.

Each user signs in with POST /login and then, for --seconds, sets a random filter (gender, school type, an exam
score range, or none) and fires every panel callback a filter change sets off, one after another as their page
would, through /_dash-update-component; the uploader posts --uploads files spread over the run and reads the
first table block of each. Half the users are leaders of one school, half of another: all read the demo.
Prints requests per second, p50/p95/p99 and errors (a status other than 200/204, or a failed request).

    python bench/load.py [--users 20] [--seconds 60] [--workers 2] [--threads 8] [--uploads 3]
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.ingest.generate import generate_students  # noqa: E402
from backend.auth.users import Users  # noqa: E402

PASSWORD = "load bench password"
FILTERS = [{}, {"gender": ["Male"]}, {"gender": ["Female"]}, {"school": ["Public"]}, {"school": ["Private"]},
           {"score": [60, 70]}, {"gender": ["Female"], "school": ["Private"]}, {"score": [65, 100]}]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def panel_callbacks(deps: list[dict]) -> list[dict]:
    """The callbacks a filter change sets off: inputs include the view and the filters; no background job,
    no pattern-matching ids, no duplicate outputs."""
    found = []
    for dep in deps:
        inputs = {(i["id"], i["property"]) for i in dep["inputs"]}
        ids = [i["id"] for i in dep["inputs"] + dep["state"]]
        if ({("view", "data"), ("filters", "data")} <= inputs and "@" not in dep["output"]
                and not any(isinstance(i, dict) or str(i).startswith("{") for i in ids)
                and not dep.get("background") and not dep.get("long") and not dep.get("clientside_function")):
            found.append(dep)
    return found


def output_spec(out: str):
    """One output as the browser sends it: a wildcard output (in-place parts, ALL) matches none of this bench's
    components, so its list is empty and the callback sends the whole tree."""
    if out.startswith("{"):
        return []
    component, prop = out.rsplit(".", 1)
    return {"id": component, "property": prop}


def body(dep: dict, values: dict) -> dict:
    outputs = [output_spec(out) for out in dep["output"].strip(".").split("...")]
    return {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "changedPropIds": ["filters.data"],
            "inputs": [{**i, "value": values.get(i["id"])} for i in dep["inputs"]],
            "state": [{**s, "value": values.get(s["id"])} for s in dep["state"]]}


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {"callbacks": [], "uploads": []}
        self.errors: list[str] = []
        self.unchanged = 0  # 204: the callback had nothing to redraw for this filter (as in the browser)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error:
                self.errors.append(error)


def timed(results: Results, kind: str, call) -> requests.Response | None:
    start = time.perf_counter()
    try:
        reply = call()
    except requests.RequestException as err:
        results.add(kind, time.perf_counter() - start, f"{kind}: {type(err).__name__}")
        return None
    bad = None if reply.status_code in (200, 204) else f"{kind}: HTTP {reply.status_code}"
    results.add(kind, time.perf_counter() - start, bad)
    results.unchanged += reply.status_code == 204
    return reply


def signed_in(url: str, username: str) -> requests.Session:
    session = requests.Session()
    reply = session.post(url + "login", data={"username": username, "password": PASSWORD}, timeout=30)
    reply.raise_for_status()
    return session


def user_loop(url: str, username: str, deps: list[dict], view: dict, deadline: float, results: Results,
              seed: int) -> None:
    session, rng = signed_in(url, username), random.Random(seed)
    while time.time() < deadline:
        values = {"view": view, "filters": rng.choice(FILTERS)}
        for dep in deps:
            timed(results, "callbacks", lambda d=dep: session.post(url + "_dash-update-component",
                                                                     json=body(d, values), timeout=120))


def uploader(url: str, count: int, seconds: float, personas: int, results: Results) -> None:
    session = signed_in(url, "load-00")
    for i in range(count):
        time.sleep(seconds / (count + 1))
        data = generate_students(3000, seed=100 + i).to_csv(index=False).encode()
        reply = timed(results, "uploads", lambda d=data, n=i: session.post(
            url + "api/upload", data=d, headers={"X-Filename": f"load-{n}.csv",
                                                 "X-CSRFToken": session.cookies.get("_csrf_token", "")}, timeout=120))
        if reply is not None and reply.status_code == 200:
            grid = {"type": "student-table", "startRow": 0, "endRow": 100}
            dep = {"output": "..student-table.getRowsResponse...table-count.children..",
                   "inputs": [{"id": "student-table", "property": "getRowsRequest"}],
                   "state": [{"id": "view", "property": "data"}, {"id": "filters", "property": "data"}]}
            values = {"student-table": grid, "view": {"dataset_id": reply.json()["dataset_id"],
                                                       "personas": personas}}
            timed(results, "uploads", lambda: session.post(url + "_dash-update-component",
                                                           json=body(dep, values), timeout=300))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cohort-atlas-load-"))
    users = Users(str(scratch / "data"))
    for i in range(args.users):
        users.save(f"load-{i:02d}", "School A" if i % 2 == 0 else "School B", "leader", PASSWORD)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "COHORT_ATLAS_CACHE": str(scratch / "cache"), "COHORT_ATLAS_DATA_DIR": str(scratch / "data"),
           "COHORT_ATLAS_DEMO": "cohort", "COHORT_ATLAS_MAP_WORKER": "0"}
    env.pop("COHORT_ATLAS_DATA", None)
    log = open(scratch / "gunicorn.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", str(args.workers),
                               "--threads", str(args.threads), "--timeout", "300", "-b", f"127.0.0.1:{port}",
                               "wsgi:server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        while True:
            try:
                if requests.get(url + "login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise SystemExit(f"gunicorn did not start:\n{log.read()}")
            time.sleep(0.5)
        first = signed_in(url, "load-00")
        deps = panel_callbacks(first.get(url + "_dash-dependencies", timeout=30).json())
        layout = first.get(url + "_dash-layout", timeout=30).text
        import json
        stores = {}

        def walk(node):
            if isinstance(node, dict):
                props = node.get("props", {})
                if props.get("id") in ("dataset-id", "persona-count"):
                    stores[props["id"]] = props.get("data", props.get("value"))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(layout))
        view = {"dataset_id": stores["dataset-id"], "personas": stores.get("persona-count") or 5}
        warm = Results()  # every worker analyses the demo once before the clock starts
        for _ in range(args.workers * 2):
            for dep in deps:
                timed(warm, "callbacks", lambda d=dep: first.post(url + "_dash-update-component",
                                                                  json=body(d, {"view": view, "filters": {}}),
                                                                  timeout=300))
        results = Results()
        stop = time.time() + args.seconds
        threads = [threading.Thread(target=user_loop, args=(url, f"load-{i:02d}", deps, view, stop, results, i))
                   for i in range(args.users)]
        threads.append(threading.Thread(target=uploader, args=(url, args.uploads, args.seconds, view["personas"],
                                                               results)))
        started = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    calls = results.times["callbacks"]
    print(f"{args.users} signed-in users, {len(deps)} panel callbacks per filter change, {elapsed:.0f} s, gunicorn "
          f"gthread -w {args.workers} --threads {args.threads}; load average {os.getloadavg()[0]:.1f}")
    print("| requests | kind | per second | p50 ms | p95 ms | p99 ms | errors |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for kind, times in results.times.items():
        if times:
            errors = sum(e.startswith(kind) for e in results.errors)
            print(f"| {len(times):,} | {kind} | {len(times) / elapsed:.1f} | {percentile(times, 50) * 1000:.0f} | "
                  f"{percentile(times, 95) * 1000:.0f} | {percentile(times, 99) * 1000:.0f} | {errors} |")
    if results.errors:
        print("errors:", ", ".join(sorted(set(results.errors))))
    print(f"{len(calls):,} callback requests ({results.unchanged:,} answered 204: nothing to redraw), "
          f"{len(results.errors)} errors")
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
