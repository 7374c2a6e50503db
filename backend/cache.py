"""A diskcache.Cache that a forked process can still write to: SQLite work and fork() never overlap.

Dash's job processes are forked from the web server while its other threads use the same SQLite files (the
dataset store, Dash's own jobs cache). SQLite keeps its lock bookkeeping per process, and fork() copies it: a
child forked while a server thread was inside a write transaction inherits "this process holds the write
lock" with nobody left to release it, so every write in the child waits out the busy timeout and raises
diskcache.core.Timeout (and a fork inside one of SQLite's own mutexes would hang the child for good).

So every statement, transaction, connect and close of a ForkSafeCache holds the shared side of one
process-wide gate, and a fork (os.register_at_fork) waits for the exclusive side: it happens only between
SQLite calls, never inside one. A statement's rows are fetched while the gate is held, so no read is left
open across a fork either. Threads of the child start with a fresh gate.

SQLite's own mutexes are process-wide (its allocator takes one on every malloc), so the stores that use sqlite3
directly open each connection through sqlite_connection, which holds the gate: the accounts (every request signs in through
them), the upload records and the audit log. Without it, a job forked while a request thread was inside one of
those calls could hang before its first step, its panel waiting with no progress bar.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing, contextmanager

import diskcache


class Gate:
    """A shared/exclusive gate: any number of threads share it (re-entrantly), fork() takes it alone."""

    def __init__(self):
        self._cond = threading.Condition(threading.Lock())
        self._shared = 0  # threads inside the gate
        self._forking = False
        self._depth = threading.local()  # this thread's nesting, so a nested call never waits on a fork

    @contextmanager
    def shared(self):
        depth = getattr(self._depth, "n", 0)
        if depth == 0:
            with self._cond:
                while self._forking:
                    self._cond.wait()
                self._shared += 1
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if depth == 0:
                with self._cond:
                    self._shared -= 1
                    if self._shared == 0:
                        self._cond.notify_all()

    def before_fork(self) -> None:
        if getattr(self._depth, "n", 0):
            return  # forking from inside a cache call: waiting for ourselves would never end
        with self._cond:
            while self._forking:
                self._cond.wait()
            self._forking = True
            while self._shared:
                self._cond.wait()

    def after_fork_in_parent(self) -> None:
        with self._cond:
            if self._forking and not getattr(self._depth, "n", 0):
                self._forking = False
                self._cond.notify_all()

    def after_fork_in_child(self) -> None:
        self.__init__()  # the child has only the forking thread, which was outside the gate


GATE = Gate()
os.register_at_fork(before=GATE.before_fork, after_in_parent=GATE.after_fork_in_parent,
                    after_in_child=GATE.after_fork_in_child)


@contextmanager
def sqlite_connection(path: str, timeout: float):
    """A sqlite3 connection for one block, opened, used and closed inside the gate."""
    with GATE.shared(), closing(sqlite3.connect(path, timeout=timeout)) as con:
        yield con


class _Rows:
    """A statement's rows, fetched while the gate was held (diskcache reads results only with fetchall)."""

    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = rows

    def fetchall(self):
        return self.rows


class ForkSafeCache(diskcache.Cache):
    """diskcache.Cache whose SQLite calls never overlap a fork of this process (see the module doc)."""

    @property
    def _con(self):
        with GATE.shared():
            return diskcache.Cache._con.fget(self)

    @property
    def _sql(self):
        con = self._con

        def execute(*args, **kwargs):
            with GATE.shared():
                return _Rows(con.execute(*args, **kwargs).fetchall())

        return execute

    @contextmanager
    def _transact(self, retry=False, filename=None):
        with GATE.shared(), super()._transact(retry, filename) as found:
            yield found

    def close(self):
        with GATE.shared():
            super().close()
