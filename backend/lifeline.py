"""A job process ends when the server that started it is gone.

Dash's DiskcacheManager forks each background job from a request thread, and nothing stops the job when the
server stops: a job that is stuck (in C, where the SIGALRM time limit of backend/limits.py cannot reach it)
then lives on, an orphan holding memory and perhaps a dataset's lock. Linux's parent-death signal does not fit:
it fires when the forking *thread* ends, and request threads end after each request. So every child forked from
the server watches its parent from a thread of its own and leaves as soon as it has been handed to another one.
"""
from __future__ import annotations

import os
import threading
import time

CHECK_SECONDS = 1.0
_installed = False


def watch_parent(interval: float = CHECK_SECONDS) -> None:
    """Exit this process (without cleanup: its main thread may be stuck) once its parent process has gone."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def install() -> None:
    """Every process forked from this one from now on (the job processes) watches this one. Idempotent."""
    global _installed
    if not _installed:
        os.register_at_fork(after_in_child=watch_parent)
        _installed = True
