"""Keeps one map worker alive per cache directory while a web process lives."""
from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading

from .client import running
from .paths import ROOT

SUPERVISE_EVERY = 5.0

log = logging.getLogger("cohort_atlas.map_worker")


def spawn(cache_dir: str, parent: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "backend.map_worker", "--cache", os.path.abspath(cache_dir)]
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
