"""The map worker: one long-lived process per cache directory that lays out student maps.

Why a separate process: numba compiles UMAP afresh in every new process (~30-45 s on this machine), and
Dash's DiskcacheManager runs each background job in a new process, so computing a map inside the job
would pay that compile every time. This worker pays it once, at server start and off the request path.

Design (Unix socket + multiprocessing.connection, no broker needed):
- The app starts it (`Supervisor` in create_app): `python -m analytics.map_worker --cache DIR --parent PID`.
- One per cache directory, however many web processes share it: the worker holds an exclusive flock on
  DIR/map-worker.lock, and a second copy exits at once. The supervisor re-spawns it if it dies.
- It listens on DIR/map-worker.sock; every connection must prove the random authkey in DIR/map-worker.key
  (mode 0600, rewritten at each start), because messages are pickles.
- A job: the client sends {"op": "project", "dataset_id", "personas"}; the worker streams
  {"progress": (done, total, stage)} and ends with {"ok": True, "pid", "seconds", "cached", ...} or
  {"ok": False, "error"}. The layout itself goes into the DatasetStore's diskcache (`set_projection`), where
  every server process reads it. Jobs run one at a time: two cores are shared with the web server.
  Also {"op": "ping"} (pid, warm?), {"op": "stop"}, and {"op": "layout", "z"} which returns the layout of a
  given matrix instead of storing it (tests and bench/map.py use it).
- A client that goes away (Dash's cancel kills the job process) aborts its job at the next progress step.
- It stops on SIGTERM, on {"op": "stop"}, or when its parent process ends.
"""
from __future__ import annotations

import argparse
import atexit
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener

from .errors import DataError
from .projection import MIN_THEMES, Projection, project, theme_matrix, warm_up

SOCKET, LOCK, KEY = "map-worker.sock", "map-worker.lock", "map-worker.key"
NICENESS = 10  # maps are background work: the web server's requests come first
SUPERVISE_EVERY = 5.0
CONNECT_WAIT = 15.0  # how long a client waits for a (re)starting worker before giving up
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

log = logging.getLogger("cohort_atlas.map_worker")


class Unavailable(RuntimeError):
    """No map worker answers for this cache directory."""


class Cancelled(Exception):
    """The client of a job went away."""


def default_cache_dir() -> str:
    """The app's cache directory (same rule as app.py), for the command line."""
    return os.environ.get("COHORT_ATLAS_CACHE") or os.path.join(ROOT, ".cache")


def _path(cache_dir: str, name: str) -> str:
    return os.path.join(os.path.abspath(cache_dir), name)


def enabled() -> bool:
    """COHORT_ATLAS_MAP_WORKER=0 turns the worker off (each map job then computes in its own process)."""
    return os.environ.get("COHORT_ATLAS_MAP_WORKER", "1").strip().lower() not in ("0", "false", "no", "off")


# --- the job itself (also run in-process by a Celery worker or the command line) -------------------------

def compute(store, dataset_id: str, personas: int = 5, progress=None, seed: int = 0) -> Projection:
    """Lay out a stored dataset and cache the result in the store. Raises DataError or KeyError."""
    analysis = store.analysis(dataset_id, personas)
    z = theme_matrix(analysis)
    if z.shape[1] < MIN_THEMES:
        raise DataError("the student map needs at least two of the 8 themes (such as Hours_Studied and "
                        "Attendance)")
    projection = project(z, seed, progress=progress)
    store.set_projection(dataset_id, projection)
    return projection


def run_job(store, dataset_id: str, personas: int, progress=None) -> dict:
    """`compute` with the worker's reply: a dict that never carries a traceback to the browser."""
    start = time.perf_counter()
    try:
        cached = store.projection(dataset_id)
        projection = cached if cached is not None else compute(store, dataset_id, personas, progress)
    except DataError as err:
        return {"ok": False, "error": str(err)}
    except KeyError:
        return {"ok": False, "error": "That dataset is no longer on the server; please upload it again."}
    except Cancelled:
        raise
    except Exception:  # the server log has the traceback; the page gets one line
        log.exception("laying out the map of %s failed", dataset_id)
        return {"ok": False, "error": "The map failed unexpectedly; the error was logged on the server."}
    return {"ok": True, "pid": os.getpid(), "seconds": round(time.perf_counter() - start, 3),
            "cached": cached is not None, "rows": projection.rows, "sampled": projection.sampled}


def project_file(path: str, analysis, cache_dir: str | None = None, max_bytes: int = 2**62) -> dict:
    """The command line's --map: lay out a file in this process (paying the compile) and cache the layout
    where a server on the same cache directory finds it once that file is uploaded."""
    from .store import DatasetStore

    z = theme_matrix(analysis)
    if z.shape[1] < MIN_THEMES:
        return {"map_seconds": None, "map_note": "no map: the file has fewer than two themes"}
    store = DatasetStore(cache_dir or default_cache_dir(), max_bytes=max_bytes)
    with open(path, "rb") as fh:
        dataset_id = store.add(fh.read(), os.path.basename(path))
    projection = project(z)
    store.set_projection(dataset_id, projection)
    return {"map_seconds": projection.seconds, "map_note": projection.note}


# --- the worker process ----------------------------------------------------------------------------------

class Worker:
    def __init__(self, cache_dir: str, parent: int | None = None):
        from .store import DatasetStore

        self.cache_dir = os.path.abspath(cache_dir)
        self.parent = parent
        self.store = DatasetStore(self.cache_dir, max_bytes=2**62)  # files were size-checked on upload
        self.busy = threading.Lock()  # one layout at a time; held by the warm-up first
        self.warm_seconds: float | None = None

    def serve(self) -> int:
        """Run until stopped. Returns 0, also when another worker already serves this directory."""
        os.makedirs(self.cache_dir, exist_ok=True)
        lock = open(_path(self.cache_dir, LOCK), "a+")  # the flock lasts as long as this file stays open
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("a map worker already serves %s", self.cache_dir)
            return 0
        key = os.urandom(32)
        key_file = _path(self.cache_dir, KEY)
        fd = os.open(key_file + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(key_file + ".tmp", key_file)
        address = _path(self.cache_dir, SOCKET)
        if os.path.exists(address):  # left by a worker that was killed; we hold the lock, so it is stale
            os.unlink(address)
        listener = Listener(address, "AF_UNIX", backlog=16, authkey=key)  # several web processes at once
        os.chmod(address, 0o600)
        signal.signal(signal.SIGTERM, _raise_exit)
        self.busy.acquire()
        threading.Thread(target=self._warm, name="map-warm-up", daemon=True).start()
        if self.parent:
            threading.Thread(target=self._watch_parent, name="map-parent-watch", daemon=True).start()
        log.info("map worker %s serving %s", os.getpid(), self.cache_dir)
        try:
            while True:
                try:
                    conn = listener.accept()
                except (OSError, EOFError, AuthenticationError) as err:  # no key, or hung up mid-handshake
                    log.debug("refused a map connection: %s", err)
                    continue
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            listener.close()
            for name in (SOCKET, KEY):
                try:
                    os.unlink(_path(self.cache_dir, name))
                except FileNotFoundError:
                    pass
            log.info("map worker %s stopped", os.getpid())
        return 0

    def _warm(self) -> None:
        try:
            self.warm_seconds = warm_up()
            log.info("map worker %s warmed up UMAP in %.1f s", os.getpid(), self.warm_seconds)
        except Exception:  # jobs still work, only slower: they compile on first use
            log.exception("map warm-up failed")
            self.warm_seconds = -1.0
        finally:
            self.busy.release()

    def _watch_parent(self) -> None:
        while os.getppid() == self.parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    def _handle(self, conn: Connection) -> None:
        with conn:
            try:
                message = conn.recv()
                op = message.get("op")
                if op == "ping":
                    conn.send({"ok": True, "pid": os.getpid(), "warm": self.warm_seconds is not None,
                               "warm_seconds": self.warm_seconds})
                elif op == "stop":
                    conn.send({"ok": True})
                    os.kill(os.getpid(), signal.SIGTERM)
                elif op == "project":
                    self._job(conn, str(message["dataset_id"]), int(message.get("personas") or 5))
                elif op == "layout":
                    self._layout(conn, message)
                else:
                    conn.send({"ok": False, "error": f"unknown request {op!r}"})
            except (EOFError, OSError, Cancelled):
                pass  # the client went away
            except Exception:
                log.exception("map worker request failed")

    def _job(self, conn: Connection, dataset_id: str, personas: int) -> None:
        if self.store.projection(dataset_id) is None and self.busy.locked():
            conn.send({"progress": (0, 0, "warm-up" if self.warm_seconds is None else "queued")})

        def progress(done: int, total: int, stage: str) -> None:
            # Abort on a hang-up only while work remains: a finished layout is cached for the next asker.
            if done < total and conn.poll():  # a client only speaks first; readable now means it hung up
                raise Cancelled
            try:
                conn.send({"progress": (done, total, stage)})
            except OSError:
                if done < total:
                    raise Cancelled from None

        with self.busy:
            if conn.poll():
                raise Cancelled  # gave up while waiting its turn
            reply = run_job(self.store, dataset_id, personas, progress)
        conn.send(reply)

    def _layout(self, conn: Connection, message: dict) -> None:
        """A layout of a given matrix, returned rather than stored (tests and benchmarks use it)."""
        options = {k: int(message[k]) for k in ("seed", "sample_above", "sample_size") if k in message}
        with self.busy:
            start = time.perf_counter()
            try:
                result = project(message["z"], progress=lambda *step: conn.send({"progress": step}), **options)
            except (ValueError, TypeError) as err:
                conn.send({"ok": False, "error": str(err)})
                return
        conn.send({"ok": True, "pid": os.getpid(), "seconds": round(time.perf_counter() - start, 3),
                   "projection": result})


def _raise_exit(signum, frame):
    raise SystemExit(0)


# --- the client side ----------------------------------------------------------------------------------

def _connect(cache_dir: str) -> Connection:
    try:
        with open(_path(cache_dir, KEY), "rb") as fh:
            key = fh.read()
        return Client(_path(cache_dir, SOCKET), "AF_UNIX", authkey=key)
    except (OSError, EOFError, AuthenticationError) as err:  # no worker yet, a stale socket, or an old key
        raise Unavailable(f"no map worker for {cache_dir}: {err}") from None


def connect(cache_dir: str, wait: float = 0.0) -> Connection:
    deadline = time.monotonic() + wait
    while True:
        try:
            return _connect(cache_dir)
        except Unavailable:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def ping(cache_dir: str, wait: float = 0.0) -> dict | None:
    try:
        with connect(cache_dir, wait) as conn:
            conn.send({"op": "ping"})
            return conn.recv()
    except (Unavailable, EOFError, OSError):
        return None


def request(cache_dir: str, dataset_id: str, personas: int = 5,
            progress: Callable[[int, int, str], None] | None = None, wait: float = CONNECT_WAIT) -> dict:
    """Ask the worker for the map of a stored dataset; `progress(done, total, stage)` relays its steps.
    Returns the worker's reply; raises Unavailable when no worker answers within `wait` seconds."""
    with connect(cache_dir, wait) as conn:
        conn.send({"op": "project", "dataset_id": dataset_id, "personas": personas})
        return _replies(conn, progress)


def _replies(conn: Connection, progress) -> dict:
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise Unavailable("the map worker stopped during the job") from None
        if "progress" in message:
            if progress:
                progress(*message["progress"])
            continue
        return message


def layout(cache_dir: str, z, progress: Callable[[int, int, str], None] | None = None, wait: float = CONNECT_WAIT,
           **options) -> dict:
    """`projection.project(z, **options)` computed by the worker; the reply's "projection" holds the result."""
    with connect(cache_dir, wait) as conn:
        conn.send({"op": "layout", "z": z, **options})
        return _replies(conn, progress)


def stop(cache_dir: str) -> bool:
    try:
        with connect(cache_dir) as conn:
            conn.send({"op": "stop"})
            return bool(conn.recv().get("ok"))
    except (Unavailable, EOFError, OSError):
        return False


def running(cache_dir: str) -> bool:
    """Whether some process holds the worker lock of this directory (instant; no round trip)."""
    try:
        with open(_path(cache_dir, LOCK), "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def spawn(cache_dir: str, parent: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "analytics.map_worker", "--cache", os.path.abspath(cache_dir)]
    if parent:
        command += ["--parent", str(parent)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


class Supervisor:
    """The server's side: keeps one worker alive for a cache directory while this process lives."""

    def __init__(self, cache_dir: str, interval: float = SUPERVISE_EVERY):
        self.cache_dir = os.path.abspath(cache_dir)
        self.interval = interval
        self.process: subprocess.Popen | None = None
        self.owner = os.getpid()
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> "Supervisor":
        os.makedirs(self.cache_dir, exist_ok=True)
        self.ensure()
        threading.Thread(target=self._loop, name="map-supervisor", daemon=True).start()
        return self

    def ensure(self) -> None:
        with self._lock:
            if self._stop.is_set() or (self.process is not None and self.process.poll() is None):
                return
            if running(self.cache_dir):  # another server process's worker; it will do
                return
            self.process = spawn(self.cache_dir, parent=os.getpid())

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.ensure()
            except Exception:
                log.exception("checking the map worker failed")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker this process started (forked children inherit the object but not the worker)."""
        self._stop.set()
        with self._lock:
            process, self.process = self.process, None
        if process is None or os.getpid() != self.owner or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_supervisors: dict[str, Supervisor] = {}


def supervise(cache_dir: str) -> Supervisor:
    """Start (once per process and directory) keeping a worker alive; it is stopped when this process exits."""
    key = os.path.abspath(cache_dir)
    if key not in _supervisors:
        _supervisors[key] = Supervisor(key).start()
        atexit.register(_supervisors[key].stop)
    return _supervisors[key]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.map_worker", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=default_cache_dir(), help="the app's cache directory")
    parser.add_argument("--parent", type=int, help="exit when this process (our parent) ends")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # before umap imports numba: one core is the web's
    try:
        os.nice(NICENESS)
    except OSError:
        pass
    code = Worker(args.cache, args.parent).serve()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # not a normal exit: a daemon thread may be inside numba, which finalisation can crash


if __name__ == "__main__":
    sys.exit(main())
