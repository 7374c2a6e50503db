"""Uploads kept for good, apart from the cache: DIR/uploads/<content hash>.bin and one small record per dataset
and uploader (filename, owner, school, time, size) in DIR/uploads/index.sqlite.

The diskcache beside it holds only what can be computed again from these files (analyses, models, maps,
insights), so its eviction can never lose an upload. A file is written to a temporary name, flushed and renamed,
so a crash or a full disk never leaves half a file under a content hash. Each uploader keeps the filename they
gave: the same bytes sent again under another name by someone else never rename the first person's file.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass

from analytics.errors import DataError

from . import identity
from .cache import sqlite_connection

DIR = "uploads"
HEX = re.compile(r"[0-9a-f]{8,64}")
META_SECONDS = 5.0
SYSTEM = identity.Identity("system", "", "admin")  # who stores the default dataset at start
SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    dataset_id TEXT NOT NULL, owner TEXT NOT NULL, school TEXT NOT NULL, content TEXT NOT NULL,
    filename TEXT NOT NULL, sheet TEXT, size INTEGER NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (dataset_id, owner));
CREATE INDEX IF NOT EXISTS datasets_content ON datasets (content);
"""


class DiskFull(DataError):
    """The server has no room left to store a file. Says so in words an administrator acts on."""

    def __init__(self, filename: str | None = None):
        super().__init__("the server's disk is full (no space left to store it), so nothing was kept; "
                         "ask an administrator to free disk space, then upload it again", file=filename)


class QuotaExceeded(DataError):
    """An uploader already keeps as many datasets, or as many megabytes, as they are allowed."""


def is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(err, sqlite3.OperationalError) and "full" in str(err).lower()


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


def quota_datasets() -> int:
    return int(_env_number("COHORT_ATLAS_QUOTA_DATASETS", 20))


def quota_bytes() -> int:
    return int(_env_number("COHORT_ATLAS_QUOTA_MB", 500) * 2**20)


def min_free_bytes() -> int:
    """Room left on the disk below which no upload is written (COHORT_ATLAS_MIN_FREE_MB, default 100)."""
    return int(_env_number("COHORT_ATLAS_MIN_FREE_MB", 100) * 2**20)


def uploader() -> identity.Identity:
    """Who is storing a file: the person behind this web request; outside one (the default dataset at start, the
    command line), the server itself, whose files count against nobody's quota."""
    from flask import has_request_context

    if not has_request_context():
        return SYSTEM
    try:
        who = identity.current()
    except RuntimeError:  # outside a request a sign-in provider has nobody to ask about
        who = None
    return who or SYSTEM


@dataclass(frozen=True)
class Record:
    dataset_id: str
    owner: str
    school: str
    content: str
    filename: str
    sheet: str | None
    size: int
    created: float


class Uploads:
    def __init__(self, directory: str):
        self.root = os.path.join(directory, DIR)
        os.makedirs(self.root, exist_ok=True)
        self.db = os.path.join(self.root, "index.sqlite")
        self._meta: dict[tuple, tuple[float, Record]] = {}
        with self._connect() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        # a connection per block, opened, used and closed inside the fork gate (backend/cache.py): cheap, and
        # safe in the job processes forked from the web server
        with sqlite_connection(self.db, 30) as con:
            con.execute("PRAGMA secure_delete = ON")  # an erased record is overwritten, not left in a free page
            yield con

    def _query(self, sql: str, args=()) -> list[Record]:
        with self._connect() as con:
            return [Record(*row) for row in con.execute(sql, args).fetchall()]

    def path(self, content: str) -> str:
        if not HEX.fullmatch(content or ""):  # ids come from addresses: never a path of their choosing
            raise KeyError(content)
        return os.path.join(self.root, content + ".bin")

    def has_file(self, content: str) -> bool:
        try:
            return os.path.exists(self.path(content))
        except KeyError:
            return False

    def read(self, content: str) -> bytes | None:
        try:
            with open(self.path(content), "rb") as fh:
                return fh.read()
        except (OSError, KeyError):
            return None

    def write(self, content: str, data: bytes, filename: str | None = None) -> None:
        """Keep `data` under its content hash (once). Raises DiskFull when the disk has no room for it."""
        target = self.path(content)
        if os.path.exists(target):
            return
        if shutil.disk_usage(self.root).free - len(data) < min_free_bytes():
            raise DiskFull(filename)
        temporary = f"{target}.{os.getpid()}.part"
        try:
            with open(temporary, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, target)
        except OSError as err:
            _unlink(temporary)
            if is_disk_full(err):
                raise DiskFull(filename) from None
            raise

    def record(self, dataset_id: str, content: str, filename: str, size: int, sheet: str | None,
               who: identity.Identity) -> None:
        """Name a dataset for its uploader (their own filename, refreshed when they send it again)."""
        try:
            with self._connect() as con, con:
                con.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dataset_id, owner) "
                            "DO UPDATE SET filename = excluded.filename, created = excluded.created",
                            (dataset_id, who.username, who.school, content, filename, sheet, size, time.time()))
            self._meta.clear()
        except sqlite3.OperationalError as err:
            if is_disk_full(err):
                raise DiskFull(filename) from None
            raise

    def meta(self, dataset_id: str, owner: str | None = None) -> Record | None:
        """The record of `owner`'s upload of a dataset, else its first uploader's. Every callback asks, so an
        answer is kept for META_SECONDS in this process; whether the file is still there is checked apart
        (`has_file`), so an erasure by another process shows at once."""
        key, now = (dataset_id, owner or ""), time.monotonic()
        kept = self._meta.get(key)
        if kept and now - kept[0] < META_SECONDS:
            return kept[1]
        found = self._query("SELECT * FROM datasets WHERE dataset_id = ? ORDER BY owner = ? DESC, created",
                            (dataset_id, owner or ""))
        if not found:
            return None  # not kept: an upload in another process must be found at once
        if len(self._meta) > 1000:
            self._meta.clear()
        self._meta[key] = (now, found[0])
        return found[0]

    def records(self, content: str | None = None, owner: str | None = None) -> list[Record]:
        where, args = [], []
        if content:
            where.append("content = ?")
            args.append(content)
        if owner:
            where.append("owner = ?")
            args.append(owner)
        sql = "SELECT * FROM datasets" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY created"
        return self._query(sql, args)

    def usage(self, owner: str) -> tuple[int, int]:
        """(files, bytes) an uploader keeps: each file once, whatever sheets of it they opened."""
        with self._connect() as con:
            row = con.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM (SELECT content, MAX(size) AS size "
                              "FROM datasets WHERE owner = ? GROUP BY content)", (owner,)).fetchone()
        return int(row[0]), int(row[1])

    def check_quota(self, who: identity.Identity, content: str, size: int, filename: str) -> None:
        """Raise QuotaExceeded when a new file would take `who` past their dataset or megabyte quota."""
        if self.records(content=content, owner=who.username):
            return  # sent again: it takes no more room
        files, used = self.usage(who.username)
        most, limit = quota_datasets(), quota_bytes()
        if files + 1 > most:
            raise QuotaExceeded(f"you keep {files} datasets on this server, the most allowed "
                                f"(COHORT_ATLAS_QUOTA_DATASETS={most}); delete one you no longer need "
                                "(Delete this dataset, under the upload) and upload again", file=filename)
        if used + size > limit:
            raise QuotaExceeded(f"it would take your stored files to {(used + size) / 2**20:,.1f} MB, over your "
                                f"{limit / 2**20:,.0f} MB quota (COHORT_ATLAS_QUOTA_MB); delete a dataset you no "
                                "longer need and upload again", file=filename)

    def forget(self, dataset_ids: list[str], owner: str | None = None) -> None:
        """Drop the records of these datasets (only `owner`'s, when given)."""
        self._meta.clear()
        with self._connect() as con, con:
            for dataset_id in dataset_ids:
                if owner:
                    con.execute("DELETE FROM datasets WHERE dataset_id = ? AND owner = ?", (dataset_id, owner))
                else:
                    con.execute("DELETE FROM datasets WHERE dataset_id = ?", (dataset_id,))

    def remove_file(self, content: str) -> bool:
        """Delete a file no record names any more. True when it is gone."""
        if self.records(content=content):
            return False
        try:
            _unlink(self.path(content))
        except KeyError:
            pass
        return True

    def expired(self, before: float) -> list[str]:
        """Content hashes some upload of which is older than `before` (seconds since the epoch): each uploader's
        dataset of the file has its own clock (erase.purge groups them)."""
        with self._connect() as con:
            rows = con.execute("SELECT content FROM datasets GROUP BY content HAVING MIN(created) < ?",
                               (before,)).fetchall()
        return [row[0] for row in rows]


def _unlink(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
