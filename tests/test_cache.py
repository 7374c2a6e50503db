"""The fork-safe cache: a job process forked while a server thread is inside a SQLite transaction can still
write to the same cache (a plain diskcache.Cache child inherits the lock and times out)."""
import os
import threading

from backend.cache import ForkSafeCache


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
