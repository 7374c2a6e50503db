"""Accounts, dataset shares, per-school settings and one-time sign-in links, in SQLite in the data folder.

Passwords are kept as Argon2id hashes (argon2-cffi); a hash made with older parameters is replaced at the next
sign-in. One short connection per call: SQLite serialises writers, and requests are few and small."""
from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.cache import sqlite_connection
from backend.identity import ROLES, Identity

HASHER = PasswordHasher()
DB_NAME = "users.db"
LINK_SECONDS = 24 * 3600
# A hash to verify against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = HASHER.hash(secrets.token_hex(8))

SCHEMA = """
create table if not exists users (username text primary key, password text, school text not null,
    role text not null, name text not null default '', classes text not null default '',
    email text unique, created real not null);
create table if not exists shares (dataset text not null, username text not null, primary key (dataset, username));
create table if not exists settings (school text not null, key text not null, value text not null,
    primary key (school, key));
create table if not exists links (token text primary key, username text not null, expires real not null);
"""


@dataclass(frozen=True)
class User:
    username: str
    school: str
    role: str
    name: str = ""  # as it appears in a file's teacher column ("Mr Patel")
    classes: tuple[str, ...] = ()  # forms or classes as they appear in a file's form/class column
    email: str | None = None

    @property
    def identity(self) -> Identity:
        return Identity(self.username, self.school, self.role)


def data_dir(cache_dir: str) -> str:
    """Where accounts live: COHORT_ATLAS_DATA_DIR, or the cache directory's parent (the project folder)."""
    return os.environ.get("COHORT_ATLAS_DATA_DIR") or os.path.dirname(os.path.abspath(cache_dir))


def check(username: str, school: str, role: str) -> None:
    if not username or not username.strip() or any(ch.isspace() or ch == ":" for ch in username):
        raise ValueError(f"username {username!r}: use letters, digits and . _ - @ (no spaces or colons)")
    if role not in ROLES:
        raise ValueError(f"role {role!r}: choose one of {', '.join(ROLES)}")
    if not school or not school.strip():
        raise ValueError("school: give the school's name (--school)")


class Users:
    def __init__(self, directory: str):
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, DB_NAME)
        with self._connect() as db, db:
            db.executescript(SCHEMA)
        os.chmod(self.path, 0o600)  # password hashes: readable by the server's account only

    @contextmanager
    def _connect(self):
        """A connection for one block, opened, used and closed inside the fork gate (backend/cache.py)."""
        with sqlite_connection(self.path, 10) as db:
            db.row_factory = sqlite3.Row
            yield db

    def _run(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._connect() as db, db:
            return db.execute(sql, args).fetchall()

    @staticmethod
    def _user(row) -> User | None:
        if row is None:
            return None
        classes = tuple(c.strip() for c in row["classes"].split(",") if c.strip())
        return User(row["username"], row["school"], row["role"], row["name"], classes, row["email"])

    def count(self) -> int:
        return self._run("select count(*) from users")[0][0]

    def admin_without_password(self) -> str | None:
        """An admin's username while no account at all has a password (a fresh install), else None."""
        if self._run("select 1 from users where password is not null limit 1"):
            return None
        rows = self._run("select username from users where role = 'admin' order by created limit 1")
        return rows[0]["username"] if rows else None

    def get(self, username: str | None) -> User | None:
        rows = self._run("select * from users where username = ?", (username,)) if username else []
        return self._user(rows[0]) if rows else None

    def by_email(self, email: str) -> User | None:
        rows = self._run("select * from users where lower(email) = lower(?)", (email,))
        return self._user(rows[0]) if rows else None

    def all(self) -> list[User]:
        return [self._user(r) for r in self._run("select * from users order by school, username")]

    def save(self, username: str, school: str, role: str, password: str | None = None, name: str = "",
             classes: list[str] | tuple[str, ...] = (), email: str | None = None) -> User:
        """Create or update an account (a None password keeps the current one, or none: single sign-on only)."""
        check(username, school, role)
        digest = HASHER.hash(password) if password else None
        with self._connect() as db, db:
            db.execute("insert into users (username, password, school, role, name, classes, email, created) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(username) do update set "
                       "password = coalesce(excluded.password, password), school = excluded.school, "
                       "role = excluded.role, name = excluded.name, classes = excluded.classes, "
                       "email = coalesce(excluded.email, email)",
                       (username, digest, school.strip(), role, name.strip(), ",".join(c.strip() for c in classes),
                        email, time.time()))
        return self.get(username)

    def remove(self, username: str) -> bool:
        with self._connect() as db, db:
            db.execute("delete from shares where username = ?", (username,))
            db.execute("delete from links where username = ?", (username,))
            return db.execute("delete from users where username = ?", (username,)).rowcount > 0

    def verify(self, username: str, password: str) -> User | None:
        """The account if the password is right; None otherwise (after the same work either way)."""
        rows = self._run("select password from users where username = ?", (username,)) if username else []
        stored = rows[0]["password"] if rows and rows[0]["password"] else _DUMMY
        try:
            HASHER.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if stored is _DUMMY:
            return None
        if HASHER.check_needs_rehash(stored):
            self._run("update users set password = ? where username = ?", (HASHER.hash(password), username))
        return self.get(username)

    # Shares: a teacher reads a dataset of their school that its uploader or a leader shared with them.
    def share(self, dataset: str, username: str) -> None:
        self._run("insert or ignore into shares (dataset, username) values (?, ?)", (dataset, username))

    def unshare(self, dataset: str, username: str) -> None:
        self._run("delete from shares where dataset = ? and username = ?", (dataset, username))

    def is_shared(self, dataset: str, username: str) -> bool:
        return bool(self._run("select 1 from shares where dataset = ? and username = ?", (dataset, username)))

    # Settings of a school: whether the AI provider is on, which roles see special-category columns.
    def setting(self, school: str, key: str, default: str | None = None) -> str | None:
        rows = self._run("select value from settings where school = ? and key = ?", (school, key))
        return rows[0]["value"] if rows else default

    def set_setting(self, school: str, key: str, value: str) -> None:
        self._run("insert into settings (school, key, value) values (?, ?, ?) on conflict(school, key) do update "
                  "set value = excluded.value", (school, key, value))

    # One-time sign-in links (the first run's): only a hash of the token is kept.
    def new_link(self, username: str, seconds: int = LINK_SECONDS) -> str:
        token = secrets.token_urlsafe(32)
        self._run("insert into links (token, username, expires) values (?, ?, ?)",
                  (_digest(token), username, time.time() + seconds))
        return token

    def use_link(self, token: str) -> User | None:
        """The account a link signs in, once: the link is spent whether or not it has expired."""
        with self._connect() as db, db:
            row = db.execute("delete from links where token = ? returning username, expires",
                             (_digest(token or ""),)).fetchone()
        return self.get(row["username"]) if row and row["expires"] > time.time() else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
