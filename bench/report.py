"""The leadership report's speed at 6,607 students (tests/data/student_performance_factors.csv): the HTML from the
file (read, analyse, fit the risk model, gather, render), the HTML from an analysis and model the dashboard
already holds, and the PDF printed by headless Chromium, beside a baseline: `summarize --json` (read, analyse,
fit the risk model), the same run. Times are the median of --runs runs. Targets: HTML <= 5 s, PDF <= 15 s.

    python bench/report.py [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.analysis import analyse_file  # noqa: E402
from analytics.report.build import build, fitted  # noqa: E402
from analytics.report.pdf import html_to_pdf  # noqa: E402
from analytics.report.render import render  # noqa: E402
from bench.timing import timed  # noqa: E402

FILE = ROOT / "tests" / "data" / "student_performance_factors.csv"
TARGETS = {"report HTML (CLI, from the file)": 5.0, "report PDF (CLI: HTML + print)": 15.0}


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    folder = tempfile.mkdtemp(prefix="bench-report-")
    page, printed = os.path.join(folder, "r.html"), os.path.join(folder, "r.pdf")
    analysis = analyse_file(str(FILE))
    risk, ctx, _ = fitted(analysis)
    rows = [("baseline: summarize --json (CLI)", timed(lambda: cli("summarize", str(FILE), "--json"), runs)[0]),
            ("report HTML (CLI, from the file)", timed(lambda: cli("report", str(FILE), "--out", page), runs)[0]),
            ("report HTML (fitted view, as the app)",
             timed(lambda: render(build(analysis, risk=risk, ctx=ctx)), runs)[0]),
            ("PDF print alone (Chromium)", timed(lambda: html_to_pdf(page, printed), runs)[0]),
            ("report PDF (CLI: HTML + print)",
             timed(lambda: cli("report", str(FILE), "--out", page, "--pdf", printed), runs)[0])]
    print(f"{analysis.rows:,} students, median of {runs} runs, load average {os.getloadavg()[0]:.2f} "
          f"(2 shared cores)\n")
    print(f"| {'step':<40} | {'median s':>8} | {'target':>7} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 9}|")
    for name, seconds in rows:
        target = TARGETS.get(name)
        print(f"| {name:<40} | {seconds:8.2f} | {'' if target is None else f'<= {target:g}':>7} |")
    return 0 if all(s <= TARGETS.get(n, float("inf")) for n, s in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
