"""The worker process itself: a Unix-socket server that warms UMAP up once and runs map jobs one at a time."""
from __future__ import annotations

import argparse
import fcntl
import logging
import os
import signal
import sys
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Connection, Listener

from analytics.models.projection import project, warm_up

from .job import Cancelled, run_job
from .paths import KEY, LOCK, SOCKET, default_cache_dir, path

NICENESS = 10  # maps are background work: the web server's requests come first (COHORT_ATLAS_MAP_NICENESS)

log = logging.getLogger("cohort_atlas.map_worker")


class Worker:
    def __init__(self, cache_dir: str, parent: int | None = None):
        from backend.store import DatasetStore

        self.cache_dir = os.path.abspath(cache_dir)
        self.parent = parent
        self.store = DatasetStore(self.cache_dir, max_bytes=2**62)  # files were size-checked on upload
        self.busy = threading.Lock()  # one layout at a time; held by the warm-up first
        self.warm_seconds: float | None = None

    def serve(self) -> int:
        """Run until stopped. Returns 0, also when another worker already serves this directory."""
        os.makedirs(self.cache_dir, exist_ok=True)
        lock = open(path(self.cache_dir, LOCK), "a+")  # the flock lasts as long as this file stays open
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("a map worker already serves %s", self.cache_dir)
            return 0
        key = os.urandom(32)
        key_file = path(self.cache_dir, KEY)
        fd = os.open(key_file + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(key_file + ".tmp", key_file)
        address = path(self.cache_dir, SOCKET)
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
                    os.unlink(path(self.cache_dir, name))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.map_worker", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=default_cache_dir(), help="the app's cache directory")
    parser.add_argument("--parent", type=int, help="exit when this process (our parent) ends")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # before umap imports numba: one core is the web's
    try:
        os.nice(int(os.environ.get("COHORT_ATLAS_MAP_NICENESS", NICENESS)))
    except (OSError, ValueError):
        pass
    code = Worker(args.cache, args.parent).serve()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # not a normal exit: a daemon thread may be inside numba, which finalisation can crash


