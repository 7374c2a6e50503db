"""Per-dataset locks shared by every thread and process on one cache directory.

flock on a file per key in DIR/locks: two gunicorn workers, a background job and a Celery worker that ask
for the same upload take turns, while different uploads go ahead in parallel. The kernel drops a lock when
its holder dies (a cancelled job, a killed worker), so nothing is left locked; a spin lock kept in the
cache (diskcache.Lock) would stay taken until it expired.

Dash's job processes are forked from a web process, and a forked child shares its parent's open files, so
the child closes the lock files it inherited: a lock is released when its holder's block ends, not when a
long job forked meanwhile finishes.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager

LOCK_DIR = "locks"
_held: set[int] = set()  # descriptors of the locks this process holds


def _drop_inherited() -> None:
    for fd in list(_held):
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_drop_inherited)


def lock_path(directory: str, *key) -> str:
    # hashed, so an id that came from a URL never names a path
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return os.path.join(directory, LOCK_DIR, name + ".lock")


@contextmanager
def dataset_lock(directory: str, *key, blocking: bool = True):
    """Hold the lock of `key` (such as ("analysis", dataset_id, personas)) in this cache directory. Each
    call opens its own file description, so threads of one process exclude each other too. With
    blocking=False, raises BlockingIOError when another holder has it."""
    path = lock_path(directory, *key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    _held.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        yield
    finally:
        if fd in _held:  # not closed already by a fork's child handler
            _held.discard(fd)
            os.close(fd)  # closing the last descriptor of this open file releases its lock


def is_locked(directory: str, *key) -> bool:
    """True while some thread or process holds the lock of `key` (a job is computing it)."""
    try:
        with dataset_lock(directory, *key, blocking=False):
            return False
    except BlockingIOError:
        return True
