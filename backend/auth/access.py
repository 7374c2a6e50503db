"""Who may read a dataset, and what of it. No Flask here: the store and the callbacks ask these functions, and
they ask backend.identity who is acting.

Every dataset belongs to the school and the person who uploaded it (its owner, recorded by the store when the
file is kept). Admins and leaders read every dataset of their school; a teacher reads what they uploaded and
what was shared with them, limited to their classes when the file has a form/class or teacher column. A
dataset the server stored itself (the demo, or a file named at start) is the server's: every signed-in user
reads it. The local identity (no sign-in configured, or the server's own work outside a request) reads all."""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from backend.identity import LOCAL, Identity, current

SERVER_SCHOOL = LOCAL.school  # the owner of what the server stores outside any request
SPECIAL_ROLES = ("sen", "learning_disabilities")
SPECIAL_NAME = re.compile(r"ethnic|religio|health|medical|disab|(^|[_\s])send?($|[_\s])|special.?educational|"
                          r"\bsen\b|ehcp|diagnos|sexual", re.I)
DEFAULT_SPECIAL = "admin,leader"  # roles that see special-category columns until an admin says otherwise
_users = None  # backend.auth.users.Users once sign-in is installed


def use_accounts(users) -> None:
    global _users
    _users = users


def owner_of(who: Identity | None) -> dict:
    """What the store records as a new dataset's owner."""
    who = who or LOCAL
    return {"school": who.school, "uploader": who.username}


def owner(store, dataset_id: str) -> dict | None:
    """The recorded owner of a dataset (a file kept before owners were recorded is the server's); None when
    nothing is known of it."""
    return store.owner(dataset_id)


def readable(store, dataset_id: str, who: Identity | None = None) -> bool:
    who = who if who is not None else current()
    if who is None:
        return False
    if who == LOCAL:
        return True
    found = owner(store, dataset_id)
    if found is None:
        return False
    if found["school"] == SERVER_SCHOOL:
        return True
    if found["school"] != who.school:
        return False  # another school's dataset: the caller answers exactly as for an unknown id
    if who.role in ("admin", "leader") or found["uploader"] == who.username:
        return True
    return _users is not None and _users.is_shared(store.root(dataset_id), who.username)


def account(who: Identity | None):
    return _users.get(who.username) if _users is not None and who is not None and who != LOCAL else None


def sees_special(who: Identity | None = None) -> bool:
    """True when this role may see special-category columns (ethnicity, SEN, health), as the school's admin set."""
    who = who if who is not None else current()
    if who is None or who == LOCAL or _users is None:
        return who is not None
    allowed = _users.setting(who.school, "special_roles", DEFAULT_SPECIAL) or ""
    return who.role in {r.strip() for r in allowed.split(",")}


def special_columns(analysis) -> list[str]:
    """The students-table columns that hold special-category data: the SEN role and names like ethnicity, health."""
    roles = {analysis.mapping.get(role) for role in SPECIAL_ROLES} - {None}
    return [c for c in analysis.students.columns if c in roles or c in SPECIAL_ROLES or SPECIAL_NAME.search(str(c))]


def teacher_rows(analysis, who: Identity | None = None) -> np.ndarray | None:
    """For a teacher, True for the students of their classes (by the file's form/class column, else its teacher
    column against their name); None when no limit applies. A file with such a column but none of their classes
    shows them nobody, rather than everybody."""
    who = who if who is not None else current()
    if who is None or who.role != "teacher" or who == LOCAL:
        return None
    user = account(who)
    frame = analysis.students
    limits = []
    for role, wanted in (("form", user.classes if user else ()), ("teacher", (user.name,) if user and user.name else ())):
        column = analysis.mapping.get(role)
        if column is not None and column in frame.columns:
            keys = {str(w).strip().casefold() for w in wanted}
            limits.append(frame[column].astype(str).str.strip().str.casefold().isin(keys).to_numpy())
    if not limits:
        return None
    return np.logical_or.reduce(limits)


_hidden: dict = {}  # (id of a full analysis) -> (that analysis, its copy without special-category columns)
HIDDEN_KEPT = 8


def visible(analysis, who: Identity | None = None):
    """The analysis as this person may see it: for a role the school's admin has not allowed, without its
    special-category columns, as if the file had none (no SEN filter, breakdown, table column or export)."""
    if sees_special(who):
        return analysis
    found = _hidden.get(id(analysis))
    if found is not None and found[0] is analysis:
        return found[1]
    hide = special_columns(analysis)
    if not hide:
        return analysis
    mapping = {role: column for role, column in analysis.mapping.items() if column not in hide}
    changes = {"students": analysis.students.drop(columns=hide), "mapping": mapping}
    if analysis.column_map is not None:
        roles = {role: column for role, column in analysis.column_map.roles.items() if column not in hide}
        changes["column_map"] = dataclasses.replace(analysis.column_map, roles=roles)
    reduced = dataclasses.replace(analysis, **changes)
    _hidden[id(analysis)] = (analysis, reduced)
    while len(_hidden) > HIDDEN_KEPT:
        _hidden.pop(next(iter(_hidden)))
    return reduced


def view_key(who: Identity | None = None) -> tuple:
    """What, besides the view, decides what this person sees: part of the key of anything cached per view."""
    who = who if who is not None else current()
    return (who.username if who is not None and who.role == "teacher" else "", sees_special(who))
