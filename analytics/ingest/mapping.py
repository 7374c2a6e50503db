"""Which column plays which part: roles, subjects, identifiers, and the columns left out with the reason.

`detect` guesses from names and values and says how sure it is; `apply_choices` lays a person's choices
(the mapping panel, or a JSON file for the CLI) over the guess and refuses a choice that names a column the
file does not have. The result is one plain object the analysis, the CLI's --json and the panel all read.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from analytics.errors import DataError
from analytics.ingest.scales import Scale, detect_scale, parse_scale
from analytics.ingest.schema import IDENTIFIER_NAME, ROLE_BY_NAME, map_columns, norm

SUBJECT_WORDS = ("math", "english", "science", "biology", "chemistry", "physics", "history", "geography",
                 "french", "spanish", "german", "art", "music", "drama", "computing", "computer", "ict",
                 "religious", "business", "economics", "psychology", "sociology", "reading", "writing",
                 "literature", "portuguese", "latin", "design", "technology", "statistics")
MARK_WORDS = ("mock", "score", "mark", "grade", "result", "assessment", "test", "exam", "paper", "gcse",
              "workingat", "attainment", "points")
PRIOR_WORDS = ("ks2", "prior", "previous", "baseline", "cat4", "ks1", "sats")
NAME_TAIL = re.compile(r"[\s_\-]*(mock|score|scores|mark|marks|grade|grades|result|results|exam|%|\(%\))$", re.I)
SAMPLES = 3


@dataclass
class Subject:
    name: str
    column: str
    scale: Scale
    pass_mark: float | None = None  # None: the scale's own pass (GCSE 4, 0-20: 10), or the app's default
    target: float | None = None  # the mark a student is expected to reach, when the school set one

    @property
    def effective_pass(self) -> float | None:
        return self.pass_mark if self.pass_mark is not None else self.scale.pass_mark

    def to_dict(self) -> dict:
        return {"name": self.name, "column": self.column, "scale": self.scale.to_json(),
                "pass_mark": self.pass_mark, "target": self.target}


@dataclass
class ColumnInfo:
    """One row of the mapping panel."""
    column: str
    role: str | None  # a role name, "subject", "identifier", or None (ignored)
    confidence: float  # 1 = the name is a known spelling; lower = guessed from part of the name or the values
    why: str
    sample: list[str]


@dataclass
class ColumnMap:
    roles: dict[str, str]  # role -> column
    subjects: list[Subject] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)  # column -> reason
    columns: list[ColumnInfo] = field(default_factory=list)
    scales: dict[str, Scale] = field(default_factory=dict)  # role -> scale (prior attainment)
    outcome: str = "auto"  # "auto", "combined", or a subject name
    chosen: bool = False  # True when a person's choices were applied

    def subject(self, name: str) -> Subject | None:
        return next((s for s in self.subjects if s.name == name), None)

    def to_dict(self) -> dict:
        return {"mapping": dict(self.roles), "subjects": [s.to_dict() for s in self.subjects],
                "identifiers": list(self.identifiers),
                "ignored": [{"column": c, "reason": r} for c, r in self.ignored.items()],
                "scales": {role: scale.to_json() for role, scale in self.scales.items()},
                "outcome": self.outcome}


def layout_key(columns: list[str]) -> str:
    """The same header layout (names, in order, spelling aside) gives the same key, so a choice made for one
    export is offered again for next term's."""
    return hashlib.sha1("\x1f".join(norm(c) for c in columns).encode()).hexdigest()[:16]


def _sample(values: pd.Series) -> list[str]:
    seen = values.dropna().head(200)
    if pd.api.types.is_numeric_dtype(seen) and not isinstance(seen.dtype, pd.CategoricalDtype):
        seen = seen.map(lambda v: f"{v:.15g}")  # 93, as the school typed it, not 93.0
    seen = seen.astype(str).str.strip()
    return list(dict.fromkeys(v for v in seen.head(200) if v))[:SAMPLES]


def _words(column: str) -> str:
    return norm(column)


def subject_name(column: str, taken: set[str]) -> str:
    name = NAME_TAIL.sub("", str(column).strip()).strip() or str(column).strip()
    name = name.replace("_", " ")
    name = name[0].upper() + name[1:] if name else str(column)
    base, n = name, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    return name


def detect(frame: pd.DataFrame) -> ColumnMap:
    columns = [str(c) for c in frame.columns]
    roles = map_columns(columns)
    role_of = {column: role for role, column in roles.items()}
    result = ColumnMap(roles)
    names: set[str] = set()
    for column in columns:
        values = frame[column]
        sample = _sample(values)
        role = role_of.get(column)
        words = _words(column)
        if role is not None:
            if role == "previous_score":
                scale = detect_scale(values, column)
                if scale is not None and scale.kind == "ks2":  # else the score's own 0-20 / 0-100 check
                    result.scales[role] = scale
            result.columns.append(ColumnInfo(column, role, 1.0, f"the name is a known spelling of "
                                             f"{ROLE_BY_NAME[role].label}", sample))
            continue
        if IDENTIFIER_NAME.search(column.strip()):
            result.identifiers.append(column)
            result.columns.append(ColumnInfo(column, "identifier", 0.8, "looks like a name or id: shown to "
                                             "staff, never modelled, never sent to an AI provider", sample))
            continue
        is_subject = any(w in words for w in SUBJECT_WORDS)
        is_mark = any(w in words for w in MARK_WORDS)
        prior = any(w in words for w in PRIOR_WORDS)
        scale = detect_scale(values, column) if (is_subject or is_mark) and not prior else None
        if scale is not None and "exam_score" not in roles:
            name = subject_name(column, names)
            names.add(name)
            result.subjects.append(Subject(name, column, scale))
            how = 0.9 if is_subject else 0.6
            result.columns.append(ColumnInfo(column, "subject", how, f"{'a subject name' if is_subject else 'an assessment word'} "
                                             f"with marks on the {scale.label} scale", sample))
            continue
        reason = _ignored_reason(column, values, prior, roles, scale is not None)
        result.ignored[column] = reason
        result.columns.append(ColumnInfo(column, None, 0.0, reason, sample))
    return result


def _ignored_reason(column: str, values: pd.Series, prior: bool, roles: dict[str, str], marks: bool) -> str:
    if prior and "previous_score" in roles:
        return f"another prior-attainment column; prior attainment uses '{roles['previous_score']}'"
    if marks:
        return f"marks, but the file's outcome is '{roles['exam_score']}'; make it a subject to use it"
    if values.isna().all():
        return "every cell is blank"
    return "no known role from its name; choose a role or make it a subject to use it in charts"


def apply_choices(auto: ColumnMap, choices: dict | None, columns: list[str], source: str = "the mapping") -> ColumnMap:
    """`auto` with a person's choices laid over it. `choices` has any of: roles {role: column or null},
    subjects [{column, name?, scale?, pass_mark?, target?}] (replaces the detected list), identifiers
    [column], ignore [column], outcome ("combined" or a subject name). A DataError names what is wrong."""
    if not choices:
        return auto
    if not isinstance(choices, dict):
        raise DataError(f"{source} must be a JSON object with 'roles', 'subjects', 'identifiers', 'ignore' "
                        "or 'outcome'")
    unknown_keys = set(choices) - {"roles", "subjects", "identifiers", "ignore", "outcome", "scales"}
    if unknown_keys:
        raise DataError(f"{source} has unknown key(s) {', '.join(sorted(unknown_keys))}; use roles, subjects, "
                        "identifiers, ignore, scales, outcome")
    known = set(columns)

    def column_of(value, where: str) -> str:
        if not isinstance(value, str) or value not in known:
            raise DataError(f"{source}: {where} names column '{value}', which the file does not have "
                            f"(columns: {', '.join(columns[:40])}{', ...' if len(columns) > 40 else ''})")
        return value

    roles = dict(auto.roles)
    scales = dict(auto.scales)
    for role, value in (choices.get("roles") or {}).items():
        if role not in ROLE_BY_NAME:
            raise DataError(f"{source}: unknown role '{role}'; roles are {', '.join(ROLE_BY_NAME)}")
        if value is None or value == "":
            roles.pop(role, None)
            continue
        if isinstance(value, dict):
            if "scale" in value:
                scales[role] = _scale(value["scale"], f"roles.{role}.scale", source)
            value = value.get("column")
        column = column_of(value, f"roles.{role}")
        roles = {r: c for r, c in roles.items() if c != column}
        roles[role] = column
    for role, value in (choices.get("scales") or {}).items():
        scales[role] = _scale(value, f"scales.{role}", source)
    ignore = {column_of(c, "ignore") for c in choices.get("ignore") or []}
    subjects = auto.subjects if "subjects" not in choices else _subjects(choices["subjects"], column_of, source)
    # a detected identifier that is now left out, a role, or a chosen subject is no identifier any more
    chosen_subjects = {s.column for s in subjects} if "subjects" in choices else set()
    identifiers = list(dict.fromkeys([c for c in auto.identifiers if c not in roles.values() and c not in ignore
                                      and c not in chosen_subjects]
                                     + [column_of(c, "identifiers") for c in choices.get("identifiers") or []]))
    taken = set(roles.values()) | set(identifiers) | ignore
    subjects = [s for s in subjects if s.column not in taken]
    roles = {r: c for r, c in roles.items() if c not in ignore and c not in identifiers}
    outcome = choices.get("outcome", auto.outcome) or "auto"
    if outcome not in ("auto", "combined") and not any(s.name == outcome for s in subjects):
        raise DataError(f"{source}: outcome '{outcome}' is not a subject; use 'combined' or one of "
                        f"{', '.join(s.name for s in subjects) or '(no subjects)'}")
    used = set(roles.values()) | set(identifiers) | {s.column for s in subjects}
    # the detector's own reason stays when it left the column out too (say, every cell is blank)
    ignored = {c: auto.ignored.get(c, "left out in the mapping" if c in ignore else "no role chosen")
               for c in columns if c not in used}
    infos = [_info(info, roles, subjects, identifiers, ignored) for info in auto.columns]
    return ColumnMap(roles, subjects, identifiers, ignored, infos, scales, outcome, chosen=True)


def _scale(value, where: str, source: str) -> Scale:
    try:
        return parse_scale(value)
    except ValueError as err:
        raise DataError(f"{source}: {where}: {err}") from None


def _subjects(items, column_of, source: str) -> list[Subject]:
    if not isinstance(items, list):
        raise DataError(f"{source}: 'subjects' must be a list of {{\"column\": ..., \"scale\": ...}}")
    out: list[Subject] = []
    names: set[str] = set()
    for i, item in enumerate(items):
        item = {"column": item} if isinstance(item, str) else item
        if not isinstance(item, dict):
            raise DataError(f"{source}: subjects[{i}] must be a column name or an object with 'column'")
        column = column_of(item.get("column"), f"subjects[{i}]")
        scale = _scale(item.get("scale", "percentage"), f"subjects[{i}].scale", source)
        name = str(item.get("name") or subject_name(column, names))
        names.add(name)
        marks = {}
        for key in ("pass_mark", "target"):
            value = item.get(key)
            if value is not None:
                try:
                    marks[key] = float(value)
                except (TypeError, ValueError):
                    raise DataError(f"{source}: subjects[{i}].{key} must be a number, not '{value}'") from None
        out.append(Subject(name, column, scale, marks.get("pass_mark"), marks.get("target")))
    return out


def _info(info: ColumnInfo, roles, subjects, identifiers, ignored) -> ColumnInfo:
    role = next((r for r, c in roles.items() if c == info.column), None)
    if role is None:
        role = "subject" if any(s.column == info.column for s in subjects) else (
            "identifier" if info.column in identifiers else None)
    if role == info.role:
        return info
    why = ignored.get(info.column, "chosen in the mapping")
    return replace(info, role=role, confidence=1.0, why=why)
