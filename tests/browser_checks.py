"""Checks every browser test module shares: the server log stays clean and a page passes axe-core."""
import re
import time
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERVER_ERROR = re.compile(r"Traceback|HTTP/[\d.]+\" 5\d\d\b")
FAILING_IMPACTS = ("serious", "critical")

# Chromium's log reduces an object passed to console.error to "Object"; this keeps its text so a failure says
# what went wrong. Installed before any page script runs (browser fixture).
CONSOLE_RECORDER = """
window.__consoleErrors = [];
const original = console.error.bind(console);
console.error = (...args) => {
  try {
    window.__consoleErrors.push(args.map(a => a instanceof Error ? a.stack || a.message
      : typeof a === 'object' ? JSON.stringify(a, null, 1) : String(a)).join(' ').slice(0, 2000));
  } catch (e) { window.__consoleErrors.push(String(args[0])); }
  original(...args);
};
"""

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
   .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.slice(0, 4).map(n => n.target.join(' '))}))))
   .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), targets: []}]));
"""


def server_errors(log_text: str) -> list[str]:
    """Lines of the server's log with a traceback or a 5xx response, each with what follows it."""
    lines = log_text.splitlines()
    return ["\n".join(lines[i:i + 25]) for i, line in enumerate(lines) if SERVER_ERROR.search(line)]


def assert_server_log_clean(log, start: int = 0) -> None:
    """No traceback or 5xx in the server's log since byte `start`."""
    log.flush()
    log.seek(start)
    found = server_errors(log.read())
    if found:
        pytest.fail(f"the server logged {len(found)} error(s); the first:\n{found[0]}", pytrace=False)


def install_console_recorder(driver) -> None:
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CONSOLE_RECORDER})


def failing(entry: dict) -> bool:
    """An error of any kind, or a warning the page's own scripts printed (AG Grid's, Dash's): Chromium's own
    warnings about the headless machine (software WebGL and the like) are not the app's."""
    return entry["level"] == "SEVERE" or (entry["level"] == "WARNING" and entry.get("source") == "console-api")


def console_errors(driver) -> list[str]:
    """Failing entries of Chromium's log since the last call, then what console.error said on this page."""
    severe = [e["message"] for e in driver.get_log("browser") if failing(e)]
    if not severe:
        return []
    try:
        recorded = driver.execute_script("return window.__consoleErrors || []") or []
    except Exception:  # the page is gone; the log entries say enough
        recorded = []
    return severe + [f"console.error: {text}" for text in recorded]


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)", pytrace=False)
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return [v for v in driver.execute_async_script(RUN_AXE) if v["impact"] in FAILING_IMPACTS]


GRIDS_DRAWING = "return document.querySelectorAll('[aria-colcount=\"0\"], .ag-delay-render').length;"


NAMES_PENDING = "return !!(window.cohortAtlasNamesPending && window.cohortAtlasNamesPending());"


def assert_accessible(driver, view: str) -> None:
    # An AG Grid given new rows redraws with no columns for a moment (aria-colcount 0, a header row without
    # cells, or still marked ag-delay-render): axe reads the page a person sees, once the grids have drawn. One
    # still empty after 20 s (a busy machine) is checked as it is.
    deadline = time.time() + 20
    while driver.execute_script(GRIDS_DRAWING) and time.time() < deadline:
        time.sleep(0.2)
    # assets/a11y.js names Dash's sliders and menus 150 ms after each redraw: read the page once it has
    while driver.execute_script(NAMES_PENDING) and time.time() < deadline:
        time.sleep(0.1)
    found = axe_violations(driver)
    report = "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
                       for v in found)
    assert not found, f"axe-core on {view}: {len(found)} serious or critical violation(s)\n{report}"
