"""The audit log: who uploaded, viewed, exported and deleted which dataset, and when, in DIR/audit.sqlite.

Who is `identity.current()`. A view is logged once per person, browser session and dataset (the first panel
that reads it), not once per callback; an export once per download or printed page. The log holds dataset ids,
filenames and what was done, never a student's data, so it outlives the datasets it names: an erasure is itself
an entry. Admins read it at /admin/audit (also as CSV) and `python app.py audit export`.
"""
from __future__ import annotations

import csv
import logging
import io
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone

from . import identity
from .cache import sqlite_connection

FILE = "audit.sqlite"
ACTIONS = ("upload", "view", "export", "delete", "refuse", "sign-in", "sign-in-failed")
COLUMNS = ("time", "username", "school", "role", "action", "dataset_id", "filename", "detail", "session")
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, time REAL NOT NULL, username TEXT NOT NULL, school TEXT NOT NULL, role TEXT NOT NULL,
    action TEXT NOT NULL, dataset_id TEXT, filename TEXT, detail TEXT, session TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS one_view ON events (username, session, dataset_id) WHERE action = 'view';
"""
_logs: dict[str, AuditLog] = {}
_lock = threading.Lock()


def log_for(directory: str) -> AuditLog:
    """The audit log of a data directory (one object per directory and process)."""
    with _lock:
        found = _logs.get(directory)
        if found is None:
            found = _logs[directory] = AuditLog(directory)
        return found


def _who() -> identity.Identity:
    try:
        who = identity.current()
    except RuntimeError:
        who = None
    return who or identity.Identity("anonymous", "", "")


class AuditLog:
    def __init__(self, directory: str):
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, FILE)
        self._seen: set[tuple] = set()  # views logged by this process, to spare SQLite on every callback
        self._ready = False

    @contextmanager
    def _connect(self):
        """A connection for one block, opened, used and closed inside the fork gate (backend/cache.py)."""
        with sqlite_connection(self.path, 30) as con:
            if not self._ready:
                with con:
                    con.executescript(SCHEMA)
                self._ready = True
            yield con

    def record(self, action: str, dataset_id: str | None = None, filename: str | None = None,
               detail: str | None = None, session: str | None = None, who: identity.Identity | None = None) -> None:
        who = who or _who()
        try:
            with self._connect() as con, con:
                con.execute("INSERT OR IGNORE INTO events (time, username, school, role, action, dataset_id, "
                            "filename, detail, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (time.time(), who.username, who.school, who.role, action, dataset_id, filename, detail,
                             session))
        except sqlite3.OperationalError as err:
            if "full" not in str(err).lower():
                raise
            # a full disk: the person still gets the answer that names it; the operator reads this in the log
            logging.getLogger(__name__).error("disk full: audit entry not written: %s %s %s %s", who.username,
                                              action, dataset_id, filename)

    def viewed(self, dataset_id: str, filename: str, session: str | None) -> None:
        """Log the first view of a dataset in a session; later calls cost a set lookup."""
        who = _who()
        key = (who.username, session, dataset_id)
        if key in self._seen:
            return
        if len(self._seen) > 100_000:  # a long-running server: SQLite's unique index still stops duplicates
            self._seen.clear()
        self._seen.add(key)
        self.record("view", dataset_id, filename, session=session, who=who)

    def events(self, limit: int | None = None, dataset_id: str | None = None, school: str | None = None) -> list[dict]:
        """The newest first; only one school's entries when `school` is given (a school's admin reads those)."""
        sql = f"SELECT {', '.join(COLUMNS)} FROM events"
        where, args = [], []
        for column, value in (("dataset_id", dataset_id), ("school", school)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        sql += " ORDER BY id DESC" + (" LIMIT ?" if limit else "")
        if limit:
            args.append(int(limit))
        with self._connect() as con:
            rows = con.execute(sql, args).fetchall()
        return [dict(zip(COLUMNS, row)) for row in rows]

    def to_csv(self, school: str | None = None) -> str:
        """Every entry (of one school, when given), oldest first, times in UTC ISO 8601; cells that a
        spreadsheet would run are quoted."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for event in reversed(self.events(school=school)):
            event["time"] = datetime.fromtimestamp(event["time"], timezone.utc).isoformat(timespec="seconds")
            writer.writerow([_safe(event[c]) for c in COLUMNS])
        return out.getvalue()


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def note_view(directory: str, dataset_id: str, filename: str) -> None:
    """Log that the person behind this web request looked at a dataset (once per browser session). Nothing
    outside a web request (a background job) and never an error for the panel that asked."""
    from flask import has_request_context

    from .security import session_key

    if not has_request_context():
        return
    try:
        log_for(directory).viewed(dataset_id, filename, session_key())
    except Exception:
        logging.getLogger(__name__).exception("could not write the audit log")


def note_export(directory: str, dataset_id: str, filename: str, what: str) -> None:
    log_for(directory).record("export", dataset_id, filename, what)
