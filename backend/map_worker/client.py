"""The web process's side of the map worker: connect, ask for a map, relay its progress."""
from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection

from .paths import KEY, LOCK, SOCKET, path

CONNECT_WAIT = 15.0  # how long a client waits for a (re)starting worker before giving up


class Unavailable(RuntimeError):
    """No map worker answers for this cache directory."""


def _connect(cache_dir: str) -> Connection:
    try:
        with open(path(cache_dir, KEY), "rb") as fh:
            key = fh.read()
        return Client(path(cache_dir, SOCKET), "AF_UNIX", authkey=key)
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
        with open(path(cache_dir, LOCK), "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
            return False
    except OSError:
        return False
