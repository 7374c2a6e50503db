"""The fork-safe cache: a job process forked while a server thread is inside a SQLite transaction can still
write to the same cache (a plain diskcache.Cache child inherits the lock and times out), and no job is forked
while a request thread is inside the SQLite of the accounts, the upload records or the audit log."""
import os
import sqlite3
import threading
import time

import pytest

from backend.audit import AuditLog
from backend.auth.users import Users
from backend.cache import ForkSafeCache
from backend.identity import Identity
from backend.uploads import Uploads


def test_a_child_forked_during_a_transaction_writes_to_the_cache(tmp_path):
    cache = ForkSafeCache(str(tmp_path), timeout=2)
    cache.set("before", 1)
    inside, fork_asked = threading.Event(), threading.Event()

    def hold_a_transaction():
        with cache.transact():
            cache.set("server", 1)
            inside.set()
            fork_asked.wait(5)
            threading.Event().wait(0.3)  # the fork waits for the transaction to end

    thread = threading.Thread(target=hold_a_transaction)
    thread.start()
    inside.wait(5)
    fork_asked.set()
    pid = os.fork()
    if pid == 0:
        try:
            cache.set("child", 2)
            code = 0 if cache.get("child") == 2 and cache.get("server") == 1 else 1
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    thread.join()
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("child") == 2


def test_reads_and_writes_behave_as_diskcache(tmp_path):
    cache = ForkSafeCache(str(tmp_path))
    cache.set(("a", 1), {"x": [1, 2]})
    assert cache.get(("a", 1)) == {"x": [1, 2]} and ("a", 1) in cache and len(cache) == 1
    assert cache.add(("a", 1), 0) is False and cache.delete(("a", 1)) and cache.get(("a", 1)) is None
    for i in range(5):
        cache.set(i, i)
    assert sorted(cache.iterkeys()) == list(range(5))


STORES = {"accounts": lambda d: (lambda: Users(d).get("nobody")),
          "upload records": lambda d: (lambda: Uploads(d).meta("0" * 24)),
          "audit log": lambda d: (lambda: AuditLog(d).record("view", "x", "x.csv", who=Identity("t", "oak", "teacher")))}


@pytest.mark.parametrize("name", STORES)
def test_no_job_is_forked_while_a_store_is_inside_sqlite(tmp_path, monkeypatch, name):
    """SQLite's mutexes are process-wide: a child forked while a request thread holds one hangs on its first
    query. Here a request thread stays inside the store's connection until released; the fork must wait."""
    call = STORES[name](str(tmp_path))  # the store is set up (schema written) before anything is held
    inside, release, forked = threading.Event(), threading.Event(), threading.Event()
    connect = sqlite3.connect

    def held_connect(*args, **kwargs):
        con = connect(*args, **kwargs)
        if threading.current_thread().name == "request":
            inside.set()
            release.wait(5)
        return con

    monkeypatch.setattr(sqlite3, "connect", held_connect)
    request = threading.Thread(target=call, name="request")
    request.start()
    assert inside.wait(5)

    def start_job():
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        forked.set()
        os.waitpid(pid, 0)

    job = threading.Thread(target=start_job)
    job.start()
    time.sleep(0.3)
    forked_while_inside = forked.is_set()
    release.set()
    request.join(5)
    job.join(5)
    assert not forked_while_inside, f"a job was forked while the {name} were inside SQLite"
    assert forked.is_set()
