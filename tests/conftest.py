import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As the app runs (app.py): one thread per numeric library. On two shared cores, OpenMP's spinning threads
# made one gradient-boosting prediction in a test take seconds while a browser and a server ran beside it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
KAGGLE = "student_performance_factors.csv"
STORE_BYTES = 50 * 2**20
sys.path.insert(0, str(ROOT))

import browser_server  # noqa: E402
from browser_checks import console_errors, install_console_recorder  # noqa: E402
from fake_gemini import FakeGemini  # noqa: E402

from analytics import analyse_file  # noqa: E402
from backend import map_worker  # noqa: E402
from backend.store import DatasetStore  # noqa: E402

# UMAP compiles for ~40 s in every new process, so the whole session shares ONE map worker: the projection
# tests, the map worker tests and the browser tests' servers (which find it running on its cache directory and
# start none of their own). It starts as soon as collection shows that some selected test needs it, so its
# warm-up overlaps the tests that come first. Under pytest-xdist (`make test`: two processes) the controller
# starts it before the test processes exist and hands them its directory, so they share it too.
SHARED_DIR = "COHORT_ATLAS_TEST_MAP_DIR"
MAP_WORKER_DIR = os.environ.get(SHARED_DIR) or tempfile.mkdtemp(prefix="cohort-atlas-map-worker-")
MAP_SUPERVISOR: list = []  # the session's Supervisor, in the process that started it


def start_map_worker() -> None:
    if not MAP_SUPERVISOR and not os.environ.get("PYTEST_XDIST_WORKER"):
        # Not niced here: in a server the warm-up yields to requests, but in the tests every map test waits for it,
        # and a niced worker starved by busy test processes took minutes to warm up.
        os.environ.setdefault("COHORT_ATLAS_MAP_NICENESS", "0")
        MAP_SUPERVISOR.append(map_worker.Supervisor(MAP_WORKER_DIR, interval=1.0).start())


def pytest_configure(config):
    is_controller = not hasattr(config, "workerinput") and (config.getoption("numprocesses", None) or 0)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False  # xdist hands out files in the order pytest_collection_modifyitems sets
    if is_controller and map_worker.enabled():
        os.environ[SHARED_DIR] = MAP_WORKER_DIR  # inherited by the test processes xdist starts next
        start_map_worker()


def pytest_collection_modifyitems(session, config, items):
    """Run browser files first (the slowest), then the rest, largest first, and last the files marked warm_map,
    which wait for the map worker's UMAP warm-up: by then it has compiled while everything else ran. With
    `-n 2 --dist loadfile` xdist hands whole files out in this order."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)

    def cost(name: str):
        found = files[name]
        waits = any(item.get_closest_marker("warm_map") for item in found)
        browser = any(item.get_closest_marker("browser") for item in found)
        return (waits, not browser, -len(found))

    items[:] = [item for name in sorted(files, key=cost) for item in files[name]]


def pytest_collection_finish(session):
    if map_worker.enabled() and any("map_worker_dir" in item.fixturenames for item in session.items):
        start_map_worker()


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # the controller owns the shared worker and its directory
    for supervisor in MAP_SUPERVISOR:
        supervisor.stop()
    shutil.rmtree(MAP_WORKER_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def map_worker_dir() -> str:
    """The cache directory the session's map worker serves (slow the first time: it waits for a started worker
    to answer; its UMAP warm-up may still be running)."""
    start_map_worker()
    reply = map_worker.ping(MAP_WORKER_DIR, wait=60)
    assert reply and reply["ok"], "the map worker did not start"
    return MAP_WORKER_DIR


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def kaggle_path() -> Path:
    return DATA / "student_performance_factors.csv"


def once_per_run(tmp_path_factory, name: str, build) -> Path:
    """The path `build(path)` fills, built once for the whole run: under pytest-xdist the first test process to
    ask builds it (holding a lock in the run's shared temporary folder) and the others wait and read it. A path
    left half-built by a process that failed is built again."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # popen-gwN's parent: one folder for every test process of this run
    path, complete = root / name, root / f"{name}.complete"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not complete.exists():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            build(path)
            complete.touch()
    return path


def pickled_once(tmp_path_factory, name: str, make):
    """`make()`'s result, computed once for the whole run (see once_per_run) and read back from a pickle."""
    import pickle

    path = once_per_run(tmp_path_factory, name + ".pickle", lambda p: p.write_bytes(pickle.dumps(make())))
    return pickle.loads(path.read_bytes())


@pytest.fixture(scope="session")
def kaggle(kaggle_path, tmp_path_factory):
    """The Kaggle file analysed once with the default 5 personas, under a dataset id as the store gives one (a
    risk model learnt from it then scores its students out of fold). Read only: tests must not change it."""
    return pickled_once(tmp_path_factory, "kaggle-analysis",
                        lambda: dataclasses.replace(analyse_file(str(kaggle_path)), dataset_id="kaggle"))


@pytest.fixture(scope="session")
def kaggle_bytes(kaggle_path) -> bytes:
    return kaggle_path.read_bytes()


@pytest.fixture
def cache_dir(tmp_path) -> str:
    path = tmp_path / "cache"
    os.makedirs(path)
    return str(path)


@pytest.fixture(scope="module")
def store(request, tmp_path_factory):
    """A disk store of uploads, as the app uses it (one per test module). A module that needs the Kaggle file's
    background jobs starts from a copy of a store where they ran once for the whole session, instead of
    fitting the risk model again (~15 s a module)."""
    directory = tmp_path_factory.mktemp("cache")
    if any("kaggle_ready" in item.fixturenames for item in request.session.items if item.module is request.module):
        shutil.copytree(request.getfixturevalue("kaggle_jobs_done"), directory, dirs_exist_ok=True)
    return DatasetStore(str(directory), max_bytes=STORE_BYTES)


@pytest.fixture(scope="session")
def kaggle_jobs_done(tmp_path_factory, kaggle_bytes) -> str:
    """A store directory in which the Kaggle file's outlier, risk and subject jobs have run, closed for copying."""
    def build(directory: Path) -> None:
        warm = DatasetStore(str(directory), max_bytes=STORE_BYTES)
        warm.run_jobs(warm.add(kaggle_bytes, KAGGLE), 5)
        warm.cache.close()
        warm.durable.close()

    return str(once_per_run(tmp_path_factory, "kaggle-jobs-done", build))


@pytest.fixture(scope="module")
def kaggle_id(store, kaggle_bytes):
    return store.add(kaggle_bytes, KAGGLE)


@pytest.fixture(scope="module")
def analysis(store, kaggle_id):
    """The Kaggle file's analysis as the dashboard shows it once the outlier job has run."""
    store.find_outliers(kaggle_id, 5)
    return store.analysis(kaggle_id, 5)


@pytest.fixture(scope="module")
def kaggle_ready(store, kaggle_id):
    """The Kaggle file's id once its background jobs (outliers, risk model) have run, as they would in the app."""
    store.run_jobs(kaggle_id, 5)
    return kaggle_id


@pytest.fixture(scope="module")
def partial(store, kaggle_path):
    """Files that lack columns: (no trajectories, no gender/school/exam) and (no personas, no gender)."""
    frame = pd.read_csv(kaggle_path).head(400)
    no_traj = store.add(frame[["Hours_Studied", "Attendance", "Motivation_Level", "Gender"]].to_csv(index=False)
                        .encode(), "no-scores.csv")
    no_personas = store.add(frame[["Previous_Scores", "Exam_Score", "School_Type"]].to_csv(index=False).encode(),
                            "scores-only.csv")
    for dataset_id in (no_traj, no_personas):
        store.run_jobs(dataset_id, 5)
    return store.analysis(no_traj, 5), store.analysis(no_personas, 5)


@pytest.fixture(scope="session")
def kaggle_risk(kaggle, tmp_path_factory):
    """The risk model learnt from the Kaggle file (cross-validated), fitted once per test run."""
    from analytics.predict.risk import fit_risk

    return pickled_once(tmp_path_factory, "kaggle-risk", lambda: fit_risk(kaggle))


@pytest.fixture(scope="session")
def kaggle_whatif(kaggle, kaggle_risk):
    from analytics.predict.risk import predicted_scores
    from analytics.predict.whatif import prepare

    return prepare(kaggle_risk, kaggle, predicted_scores(kaggle_risk, kaggle))


class CliRun:
    def __init__(self, code: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


_ANALYSED: dict = {}


@pytest.fixture
def cli(monkeypatch, capsys):
    """`python -m analytics ARGS` run in this process, as CliRun(returncode, stdout, stderr). A file the session
    already analysed with the same options is not analysed again: the command gets a copy of that analysis; nor
    are the same theme scores measured for stability twice (the measure reads nothing else)."""
    import copy
    import hashlib

    import analytics.__main__ as command
    from analytics.models import stability

    def analyse_once(path, personas=5, max_bytes=None, choices=None, sheet=None):
        key = (os.path.abspath(path), personas, max_bytes, os.path.getmtime(path) if os.path.exists(path) else 0,
               json.dumps(choices, sort_keys=True), sheet)
        if key not in _ANALYSED:
            _ANALYSED[key] = analyse_file(path, personas, max_bytes, choices, sheet)
        return copy.deepcopy(_ANALYSED[key])

    measure = stability.of_analysis

    def measured_once(analysis, progress=None):
        columns = [stability.THEME_PREFIX + t for t in analysis.themes]
        themes = analysis.students[columns].to_numpy(dtype=float)
        key = ("stability", bool(analysis.personas), tuple(columns), hashlib.sha256(themes.tobytes()).hexdigest())
        if key not in _ANALYSED:
            _ANALYSED[key] = measure(analysis, progress)
        return _ANALYSED[key]

    monkeypatch.setattr(command, "analyse_file", analyse_once)
    monkeypatch.setattr(stability, "of_analysis", measured_once)
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    def run(*args) -> CliRun:
        capsys.readouterr()
        code = command.main([str(a) for a in args])
        out = capsys.readouterr()
        return CliRun(code, out.out, out.err)

    return run


@pytest.fixture(scope="session")
def app_module():
    """app.py, imported in this process: importing it builds and starts nothing (create_app does)."""
    import app

    return app


# Browser console entries that are not the app's fault. Empty: every error, and every warning a page script
# prints, fails the test that caused it. (Add a narrow pattern with the reason beside it, never a whole level.)
CONSOLE_ALLOWED: list[str] = [
    # A file the app rejects (unreadable, empty, too big) is answered 400/413 with the reason, which the page shows;
    # Chromium logs every non-2xx answer as an error, though this one is the app working as meant.
    "/api/upload - Failed to load resource: the server responded with a status of 400 (BAD REQUEST)",
    "/api/upload - Failed to load resource: the server responded with a status of 413 (REQUEST ENTITY TOO LARGE)",
]


@pytest.fixture(autouse=True)
def no_console_errors(request):
    """Any browser test fails on a console error (uncaught, a failed request, a Dash callback error) or a page
    script's warning logged while it ran. The browser fixture asks Chromium for its log (goog:loggingPrefs)."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    driver.get_log("browser")  # what earlier tests left behind is theirs
    yield
    severe = [m for m in console_errors(driver) if not any(allowed in m for allowed in CONSOLE_ALLOWED)]
    if severe:
        pytest.fail("browser console errors and warnings:\n" + "\n".join(m[:600] for m in severe), pytrace=False)


@pytest.fixture
def fake():
    """A local stand-in for the Gemini API that the real SDK talks to (tests/fake_gemini.py)."""
    server = FakeGemini()
    yield server
    server.close()


@pytest.fixture
def redis_url():
    """A real redis-server of the test's own, on a free port (the rate limits and Celery results use it)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.time() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, map_worker_dir):
    """One app server per test process for all browser modules (test_browser's `server` checks each module's part
    of its log). Here, not in test_browser, so every module that imports `server` shares this one."""
    yield from browser_server.app_server(tmp_path_factory, map_worker_dir)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory, app_server):
    """One headless Chromium per test process for every browser module, signed in once: a Chromium started and
    signed in per module cost ~3 s of CPU more than a page load each time, with its scripts fetched and compiled
    again. Modules take it through test_browser's `browser`, which gives each its own download folder."""
    driver = browser_server.start_chromium(tmp_path_factory.mktemp("chromium-profile"),
                                           tmp_path_factory.mktemp("downloads"))
    install_console_recorder(driver)
    browser_server.sign_in(driver, app_server)
    yield driver
    driver.quit()


@pytest.fixture
def kaggle_first_view(cache_dir, kaggle_bytes):
    """(store, dataset id) of the Kaggle file just uploaded: its first view analysed, none of its jobs run yet."""
    store = DatasetStore(cache_dir, max_bytes=50 * 2**20)
    dataset = store.add(kaggle_bytes, KAGGLE)
    store.analysis(dataset, 5)  # the first view, as the upload callback leaves it
    return store, dataset
