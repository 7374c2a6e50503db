"""The cache of computed results (analyses, models, maps, insights): anything in it can be computed again from
an upload, so it never fails a request. An entry that no longer reads (a truncated or corrupted file, a value
file removed behind its back) is dropped and reads as missing, so the caller rebuilds it from the raw file;
a write that finds the disk full is skipped with a warning, and the result is still used for this request.
"""
from __future__ import annotations

import logging
import pickle

from .cache import ForkSafeCache
from .uploads import is_disk_full

log = logging.getLogger(__name__)
_MISSING = object()
# What reading a damaged value raises; anything else (a job's time limit firing mid-read, a locked database) is
# not damage and goes to the caller.
DAMAGE = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError,
          KeyError, OSError)


class ResultCache(ForkSafeCache):
    def get(self, key, default=None, *args, **kwargs):
        try:
            found = self._read(key, *args, **kwargs)
        except DAMAGE as err:  # the value no longer reads: compute it again
            log.warning("dropping unreadable cache entry %r: %s", key, err.__class__.__name__)
            self._drop(key)
            return default
        if found is _MISSING and super().__contains__(key):  # read again: another process may have replaced it
            try:
                found = super().get(key, _MISSING, *args, **kwargs)
            except DAMAGE:
                found = _MISSING
        if found is _MISSING:
            if super().__contains__(key):  # a row whose value file is gone: diskcache reads it as a miss
                log.warning("dropping cache entry %r whose value file is missing", key)
                self._drop(key)
            return default
        return found

    def _read(self, key, *args, **kwargs):
        # Another process replacing the entry deletes the old value file between our reading its row and its
        # file: that reads as damage once, and the second read finds the new value. Only a value that fails
        # twice is damaged (dropping it on the first failure threw away the other process's fresh result).
        try:
            return super().get(key, _MISSING, *args, **kwargs)
        except DAMAGE:
            return super().get(key, _MISSING, *args, **kwargs)

    def set(self, key, value, *args, **kwargs):
        try:
            return super().set(key, value, *args, **kwargs)
        except Exception as err:
            if not is_disk_full(err):
                raise
            log.warning("disk full: %r not cached; it is computed again when next needed", key)
            return False

    def _drop(self, key) -> None:
        try:
            self.delete(key)
        except Exception:  # a cache that cannot even delete is reported by the next write
            log.exception("could not drop cache entry %r", key)
