"""Click latency in Chromium: a persona-donut click on the Kaggle file, until the KPIs and every panel settle.

Starts the app (and optionally a baseline: another commit of this repository, exported with `git archive`),
uploads tests/data/student_performance_factors.csv in headless Debian Chromium on the Explore address (the table
and the student map), waits for them, reopens the same view on the Overview address and clicks persona slices
there: slice 1, the same slice (clears), slice 2, clear, slice 3. A commit from before the tabs serves its one
long page on both addresses, so the same steps measure it too. With a baseline both servers run side by side
and the clicks alternate between them, so both see the same load.

Measured in the page: the click is a capturing mousedown; "KPI" is the first change of #kpi-row after it;
"last response" is when the last `_dash-update-component` response of the click was read (a wrapped fetch);
requests and KB count those responses. Medians over the clicks.

With --loads N it then reopens the same Overview address N times on each server (alternating) and reports what
a page load costs: the last callback response after navigation, requests, KB, and the CPU seconds of the whole
Chromium (every process under its chromedriver), which is what a browser test pays for each page it opens.

    python bench/browser.py [--baseline REF] [--patch-off] [--clicks 5] [--loads 0]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # test_browser imports its helpers as pytest does, from tests/

from tests.test_browser import CHROMEDRIVER, CHROMIUM, free_port  # noqa: E402

KAGGLE = ROOT / "tests" / "data" / "student_performance_factors.csv"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1400,1000"]
QUIET_MS = 1500  # no callback in flight for this long: the click has settled

# Installed before the page's scripts run, so the Dash renderer's fetch is the wrapped one.
PROBE = """
window.__bench = {pending: 0, responses: [], kpi: [], down: null};
const origFetch = window.fetch;
window.fetch = function (url, opts) {
  const mine = String(url).includes('_dash-update-component');
  if (!mine) return origFetch.apply(this, arguments);
  window.__bench.pending++;
  const start = performance.now();
  let output = '';
  try { output = JSON.parse(opts.body).output; } catch (e) {}
  return origFetch.apply(this, arguments).then(r => {
    const head = performance.now();
    r.clone().text().then(t => {
      window.__bench.responses.push({start, head, end: performance.now(), bytes: t.length, output});
      window.__bench.pending--;
    }, () => { window.__bench.pending--; });
    return r;
  }, e => { window.__bench.pending--; throw e; });
};
document.addEventListener('mousedown', () => { window.__bench.down = performance.now(); }, true);
new MutationObserver(() => {
  const k = document.getElementById('kpi-row');
  if (k && !window.__bench.kpiWatched) {
    window.__bench.kpiWatched = true;
    new MutationObserver(() => window.__bench.kpi.push(performance.now()))
      .observe(k, {childList: true, subtree: true, characterData: true});
  }
}).observe(document, {childList: true, subtree: true});
"""
STATE = "const b = window.__bench; return [b.pending, performance.now(), b.responses.length ? " \
        "b.responses[b.responses.length - 1].end : 0];"
RESULT = """
const b = window.__bench, t0 = b.down;
const after = b.responses.filter(r => r.end >= t0);
const kpi = b.kpi.filter(t => t >= t0);
return {kpi: kpi.length ? kpi[0] - t0 : null, last: after.length ? after[after.length - 1].end - t0 : null,
        requests: after.length, kb: after.reduce((s, r) => s + r.bytes, 0) / 1024,
        timeline: after.map(r => [r.start - t0, r.head - t0, r.end - t0, r.bytes, r.output])};
"""
ADMIN, PASSWORD = "bench", "bench password"
DONUT_STUDENTS = ("const p = document.querySelector('#persona-donut .js-plotly-plot'); "
                  "return p && p.data && p.data[0] ? p.data[0].values.reduce((a, b) => a + b, 0) : 0;")
MAP_POINTS = ("const p = document.querySelector('#student-map .js-plotly-plot'); if (!p || !p.data) return 0; "
              "return p.data.filter(t => t.meta === 'students' || t.meta === 'outside')"
              ".reduce((s, t) => s + (t.customdata ? t.customdata.length : 0), 0);")


class Variant:
    """One app server (this checkout or an exported commit) and the Chromium that drives it."""

    def __init__(self, name: str, source: Path, scratch: Path, **extra_env: str):
        self.name, self.port = name, free_port()
        cache = scratch / f"cache-{len(name)}-{self.port}"
        env = {**os.environ, "COHORT_ATLAS_CACHE": str(cache), "COHORT_ATLAS_DEMO": "cohort",
               "COHORT_ATLAS_ADMIN": f"{ADMIN}:{PASSWORD}",  # a checkout with sign-in makes this account
               "COHORT_ATLAS_DATA_DIR": str(scratch / f"accounts-{self.port}"), **extra_env}
        env.pop("COHORT_ATLAS_DATA", None)
        self.log = open(scratch / f"app-{self.port}.log", "w+")
        self.proc = subprocess.Popen([sys.executable, "app.py", "--port", str(self.port)], cwd=source, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.driver = browser(scratch / f"profile-{self.port}")
        self.times: list[dict] = []
        self.loads: list[dict] = []

    def wait_up(self) -> None:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(self.url, timeout=2)
                return
            except urllib.error.HTTPError:  # 401: up, and behind sign-in
                return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.log.seek(0)
                    raise SystemExit(f"{self.name}: app.py did not start:\n{self.log.read()}")
                time.sleep(0.3)

    def load(self) -> None:
        self.wait_up()
        self.sign_in()
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
        self.driver.get(self.url + "explore")
        until(self.driver, lambda d: text(d, "table-count") == "2,000 students", "demo loaded")
        # a warm server: the map worker compiles UMAP once per start, then lays out the demo
        until(self.driver, lambda d: d.execute_script(MAP_POINTS) == 2000, "the demo map", 900)
        self.driver.find_element("id", "upload-input").send_keys(str(KAGGLE))
        until(self.driver, lambda d: text(d, "table-count") == "6,607 students", "Kaggle file loaded")
        until(self.driver, lambda d: d.execute_script(MAP_POINTS) == 6607, "6,607 students on the map", 300)
        settle(self.driver)
        # the clicks are on the Overview: the same view (its query) on that address
        self.driver.get(self.url + "overview" + self.driver.execute_script("return window.location.search"))
        until(self.driver, lambda d: d.execute_script(DONUT_STUDENTS) == 6607, "the Kaggle personas", 120)
        settle(self.driver)

    def sign_in(self) -> None:
        """Through the sign-in page, when this checkout has one (a baseline from before sign-in has not)."""
        self.driver.get(self.url + "login")
        if not self.driver.find_elements("id", "username"):
            return
        self.driver.find_element("id", "username").send_keys(ADMIN)
        self.driver.find_element("id", "password").send_keys(PASSWORD)
        self.driver.find_element("css selector", "form button[type=submit]").click()

    def click(self, index: int) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        target = self.driver.find_elements("css selector", "#persona-donut g.slice path.surface")[index]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", target)
        time.sleep(0.3)
        ActionChains(self.driver).move_to_element(target).click().perform()
        settle(self.driver)
        self.times.append(self.driver.execute_script(RESULT))

    def reload(self) -> None:
        """Open the Overview address again (a new page), until it settles; what the load cost."""
        before = chromium_cpu(self.driver)
        self.driver.get(self.driver.current_url)
        until(self.driver, lambda d: d.execute_script(DONUT_STUDENTS) == 6607, "the Kaggle personas", 120)
        settle(self.driver)
        found = self.driver.execute_script("const b = window.__bench; return {last: b.responses.length ? "
                                           "Math.max(...b.responses.map(r => r.end)) : null, requests: "
                                           "b.responses.length, kb: b.responses.reduce((s, r) => s + r.bytes, 0)"
                                           " / 1024};")
        self.loads.append({**found, "cpu": chromium_cpu(self.driver) - before})

    def stop(self) -> None:
        self.driver.quit()
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def chromium_cpu(driver) -> float:
    """CPU seconds used so far by chromedriver and every Chromium process under it."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            children.setdefault(int(fields[1]), []).append((int(entry), int(fields[11]) + int(fields[12])))
    total, stack = 0, [driver.service.process.pid]
    while stack:
        for pid, used in children.get(stack.pop(), []):
            total += used
            stack.append(pid)
    return total / ticks


def text(driver, element_id: str) -> str:
    found = driver.find_elements("id", element_id)
    try:
        return found[0].text if found else ""
    except Exception:  # re-rendered between finding and reading
        return ""


def until(driver, condition, what: str, timeout: float = 90) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message=what)


def settle(driver, timeout: float = 60) -> None:
    """Until no callback has been in flight for QUIET_MS."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pending, now, last = driver.execute_script(STATE)
        if pending == 0 and now - last > QUIET_MS:
            return
        time.sleep(0.1)
    raise SystemExit("the page did not settle")


def export(ref: str, scratch: Path) -> Path:
    """The repository at `ref` as plain files (its own data and bench included)."""
    out = scratch / "baseline"
    out.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def table(variants, attribute: str, columns: list[tuple[str, str, int]]) -> None:
    """One row per server: the median of each (header, key, decimals) over its measures in `attribute`."""
    print(" | ".join([f"{'server':<22}"] + [header for header, _, _ in columns]))
    print("-" * (25 + sum(len(header) + 3 for header, _, _ in columns)))
    for v in variants:
        measures = getattr(v, attribute)
        cells = [f"{median([m[key] for m in measures]):>{len(header)}.{decimals}f}"
                 for header, key, decimals in columns]
        print(" | ".join([f"{v.name:<22}"] + cells))


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git ref to compare against, e.g. main")
    parser.add_argument("--clicks", type=int, default=5)
    parser.add_argument("--loads", type=int, default=0, help="then reopen the Overview this many times")
    parser.add_argument("--timeline", action="store_true",
                        help="print each callback of the last click: sent, answered, read (ms after the click)")
    parser.add_argument("--patch-off", action="store_true",
                        help="also run this checkout with COHORT_ATLAS_MAP_PATCH=0 (whole map figures)")
    args = parser.parse_args()
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        raise SystemExit(f"needs {CHROMIUM} and {CHROMEDRIVER} (make browser)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    variants = []
    try:
        if args.baseline:
            variants.append(Variant(f"baseline ({args.baseline})", export(args.baseline, scratch), scratch))
        if args.patch_off:
            variants.append(Variant("this, no map Patch", ROOT, scratch, COHORT_ATLAS_MAP_PATCH="0"))
        variants.append(Variant("this checkout", ROOT, scratch))
        for variant in variants:
            variant.load()
            variant.driver.execute_script("window.__bench.responses = [];")
        load = os.getloadavg()[0]
        slices = [1, 1, 2, 2, 3][:args.clicks] + [1] * max(0, args.clicks - 5)  # filter, clear, ...
        for index in slices:
            for variant in variants:
                variant.click(index)
        print(f"Persona-donut click on the Overview, Kaggle file (6,607 students), headless Chromium; medians of "
              f"{args.clicks} clicks,\nalternating between servers; load {load:.2f} -> {os.getloadavg()[0]:.2f} "
              "(2 cores, shared)")
        table(variants, "times", [("click->KPI ms", "kpi", 0), ("click->last response ms", "last", 0),
                                  ("requests", "requests", 0), ("KB", "kb", 0)])
        if args.loads:
            for _ in range(args.loads):
                for variant in variants:
                    variant.reload()
            print(f"\nThe same Overview address opened again (a new page), medians of {args.loads} loads per server")
            table(variants, "loads", [("load->last response ms", "last", 0), ("requests", "requests", 0),
                                      ("KB", "kb", 0), ("Chromium CPU s", "cpu", 2)])
        if args.timeline:
            for v in variants:
                print(f"\n{v.name}, last click: sent / answered / read ms, bytes, outputs")
                for start, head, end, size, output in v.times[-1]["timeline"]:
                    print(f"{start:6.0f} {head:6.0f} {end:6.0f} {size:7d}  {output[:110]}")
    finally:
        for variant in variants:
            variant.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
