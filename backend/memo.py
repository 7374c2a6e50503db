"""A small in-process memo of results read from the disk cache, so a callback does not unpickle them again."""
from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict


class Memo:
    """The `size` most recently used values, and a lock per key so that one thread of this process fills it
    while the others wait. Its locks guard only the memo: they are never held while something is computed."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._reset_locks()
        # A job process forked while another thread held one of these would find it locked for good.
        alive = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: alive() and alive()._reset_locks())

    def _reset_locks(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple):
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key: tuple, value):
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def key_lock(self, key: tuple) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def drop(self, keep) -> None:
        """Forget every value whose key `keep(key)` rejects (an erased dataset's)."""
        with self._lock:
            for key in [k for k in self._values if not keep(k)]:
                del self._values[key]
