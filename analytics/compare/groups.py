"""A reference's group ("disadvantaged", "SEN support", "girls", "FSM=Y") as the pupils of a school's file.

National statistics name groups in words; a school's export holds codes (FSM "Y"/"N", SEN "N"/"K"/"E", Gender
"F"/"M"). Words map to a group role (analytics.ingest.schema.GROUP_ROLES) and a level; the school's cells map to
the same levels (yes-like text through YES_NO), so nothing in the school's file is rewritten. A group the file
cannot answer comes back as a reason, shown to the leader beside the row it skipped.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.compare.school import School
from analytics.ingest.schema import GROUP_ROLES, ROLE_BY_NAME, YES_NO, norm, norm_level

ALL = "all"
YES, NO = "yes", "no"
# Reference wording -> (role, level). Disadvantage in DfE tables is FSM in the last six years, looked-after or
# adopted from care; a school's FSM or Pupil Premium column is the nearest it holds, so both words map there.
WORDS: dict[str, tuple[str, str]] = {}
for _words, _key in (
    (("all", "all pupils", "total", "everyone", "all state funded", "all schools", "national"), (ALL, ALL)),
    (("disadvantaged", "fsm", "fsm eligible", "eligible for fsm", "fsm6", "ever 6 fsm", "pupil premium", "pp",
      "free school meals", "known to be eligible for fsm"), ("fsm", YES)),
    (("not disadvantaged", "non disadvantaged", "disadvantaged all other", "all other", "other", "others",
      "not fsm", "non fsm", "fsm not eligible", "not eligible for fsm", "not pupil premium", "non pp",
      "not known to be eligible for fsm", "not known to be disadvantaged"), ("fsm", NO)),
    (("sen support", "sen supp", "school action"), ("sen", "K")),
    (("ehc plan", "ehcp", "ehc", "sen state ehc", "statement", "education health and care plan"), ("sen", "E")),
    (("no sen", "no identified sen", "non sen", "not sen", "without sen"), ("sen", "N")),
    (("eal", "english as an additional language", "first language other than english",
      "first language known or believed to be other than english"), ("eal", YES)),
    (("not eal", "non eal", "first language english", "english first language",
      "first language known or believed to be english"), ("eal", NO)),
    (("boys", "boy", "male", "males"), ("gender", "male")),
    (("girls", "girl", "female", "females"), ("gender", "female")),
):
    for _word in _words:
        WORDS[_word] = _key
SEN_CELLS = {"k": "K", "sen support": "K", "support": "K", "senk": "K", "a": "K", "p": "K",
             "e": "E", "ehcp": "E", "ehc plan": "E", "ehc": "E", "s": "E", "statement": "E",
             "n": "N", "none": "N", "no": "N", "no sen": "N"}
GENDER_CELLS = {"m": "male", "male": "male", "boy": "male", "b": "male", "f": "female", "female": "female",
                "girl": "female", "g": "female"}
KNOWN = ("all, disadvantaged, not disadvantaged, SEN support, EHC plan, no SEN, EAL, not EAL, boys, girls")
LEVEL_NAMES = {("fsm", YES): "yes-like", ("fsm", NO): "no-like", ("eal", YES): "yes-like", ("eal", NO): "no-like"}


@dataclass(frozen=True)
class Group:
    text: str  # as the reference wrote it
    role: str | None  # None for everyone, or a COLUMN=VALUE group
    level: str
    mask: np.ndarray
    matched: str  # which cells were counted, in words: "FSM = Y", "every pupil"


def _level(role: str, cell: str) -> str | None:
    key = norm_level(cell)
    if role in ("fsm", "eal"):
        yes = YES_NO.get(key)
        return None if yes is None else (YES if yes else NO)
    if role == "sen":
        return SEN_CELLS.get(key)
    if role == "gender":
        return GENDER_CELLS.get(key)
    return None


class GroupIndex:
    """Per group column, the distinct cells and each pupil's code, worked out once for all reference rows."""

    def __init__(self, school: School):
        self.school = school
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        if column not in self._codes:
            codes, uniques = pd.factorize(self.school.frame[column], use_na_sentinel=True)
            self._codes[column] = (codes, [str(u).strip() for u in uniques])
        return self._codes[column]

    def _cells(self, column: str, wanted) -> tuple[np.ndarray, list[str]]:
        codes, texts = self.codes(column)
        hit = [i for i, t in enumerate(texts) if wanted(t)]
        return np.isin(codes, hit), [texts[i] for i in hit]

    def resolve(self, text: str) -> Group | str:
        """The group's pupils, or the reason this file cannot say who they are."""
        key = norm_level(text)
        if "=" in text:
            return self._column_value(text)
        if key not in WORDS:
            return (f"group '{text}' is not one this app knows; use {KNOWN} or COLUMN=VALUE "
                    "(e.g. 'Year Group=11')")
        role, level = WORDS[key]
        if role == ALL:
            return Group(text, None, ALL, np.ones(self.school.rows, dtype=bool), "every pupil")
        column = self.school.roles.get(role)
        if column is None:
            return f"group '{text}' needs a {ROLE_BY_NAME[role].label} column, and this file has none mapped"
        mask, cells = self._cells(column, lambda t: _level(role, t) == level)
        if not cells:
            _, texts = self.codes(column)
            sample = ", ".join(f"'{t}'" for t in texts[:6]) or "only blanks"
            kind = LEVEL_NAMES.get((role, level), f"'{level}'")
            return (f"group '{text}': column '{column}' has no {kind} values ({sample}); write the group as "
                    f"'{column}=VALUE' with the value the file uses")
        return Group(text, role, level, mask, f"{column} = {' or '.join(cells)}")

    def _column_value(self, text: str) -> Group | str:
        left, _, right = text.partition("=")
        left, right = left.strip(), right.strip()
        columns = {norm(c): c for c in self.school.frame.columns}
        column = self.school.roles.get(left.strip().lower().replace(" ", "_")) or columns.get(norm(left))
        if column is None:
            return f"group '{text}': this file has no column '{left}'"
        role = next((r for r in GROUP_ROLES if self.school.roles.get(r) == column), None)
        wanted = norm_level(right)
        mask, cells = self._cells(column, lambda t: norm_level(t) == wanted)
        if not cells:
            _, texts = self.codes(column)
            return f"group '{text}': no pupil has {column} = {right} (values include {', '.join(texts[:8])})"
        return Group(text, role, right, mask, f"{column} = {cells[0]}")


def is_gap_pair(a: Group, b: Group) -> bool:
    """Disadvantaged and the rest, in either order: the two halves of the disadvantage gap."""
    return a.role == b.role == "fsm" and {a.level, b.level} == {YES, NO}
