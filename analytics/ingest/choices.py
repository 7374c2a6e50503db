"""The mapping panel's selections as the choices JSON `apply_choices` reads, and what the panel shows of a map.

The choices are complete: every role not chosen is set to null and every column left out is listed, so the
same selections give the same choices (and the same dataset id) whatever the detector guessed.
"""
from __future__ import annotations

from analytics.errors import DataError
from analytics.ingest.mapping import ColumnInfo, ColumnMap, subject_name
from analytics.ingest.scales import NAMED, parse_scale
from analytics.ingest.schema import ROLE_BY_NAME

SUBJECT, IDENTIFIER, NOT_USED = "subject", "identifier", "none"
COMBINED = "combined"
SCALE_LABELS = {"percentage": "Percentage (0-100)", "points20": "0-20", "gcse": "GCSE 9-1",
                "letters": "Letters A*-U", "af": "Letters A-F", "ks2": "KS2 scaled (80-120)",
                "custom": "Custom min-max"}


def confidence_words(info: ColumnInfo, chosen: bool) -> str:
    """How sure the match is, in words a data lead reads at a glance."""
    if chosen and info.why == "chosen in the mapping":
        return "set by you"
    if info.role is None:
        return "not matched"
    if info.confidence >= 1:
        return "name match"
    if info.confidence >= 0.8:
        return "likely (from the name)"
    return "guessed"


def _number(value, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be a number, not '{value}'") from None


def _scale_json(setting: dict, column: str):
    kind = setting.get("scale") or "percentage"
    if kind != "custom":
        if kind not in NAMED:
            raise DataError(f"column '{column}': unknown scale '{kind}'")
        return kind
    low = _number(setting.get("low"), f"column '{column}': the custom scale's lowest mark")
    high = _number(setting.get("high"), f"column '{column}': the custom scale's highest mark")
    if low is None or high is None:
        raise DataError(f"column '{column}': a custom scale needs its lowest and highest mark; fill in both")
    return {"min": low, "max": high}


def _subject(column: str, setting: dict, current: ColumnMap, taken: set[str]) -> dict:
    known = next((s for s in current.subjects if s.column == column), None)
    name = known.name if known is not None and known.name not in taken else subject_name(column, taken)
    taken.add(name)
    scale_json = _scale_json(setting, column)
    try:
        scale = parse_scale(scale_json)
    except ValueError as err:
        raise DataError(f"column '{column}': {err}") from None
    item = {"column": column, "name": name, "scale": scale_json}
    for key, words in (("pass_mark", "pass mark"), ("target", "target")):
        value = _number(setting.get(key), f"{name}: the {words}")
        if value is not None and not scale.low <= value <= scale.high:
            raise DataError(f"{name}: the {words} {value:g} is outside its {scale.label} scale "
                            f"({scale.low:g}-{scale.high:g}); enter a mark on the scale or leave it blank")
        item[key] = value
    return item


def choices_from_panel(current: ColumnMap, columns: list[str], roles: list[str | None], settings: list[dict],
                       outcome: str | None) -> dict:
    """Choices from one selection per column (a role name, "subject", "identifier", or "none" for not used),
    each subject's settings {scale, low, high, pass_mark, target}, and the outcome ("combined" or a subject's
    column). `current` gives subjects their names. A DataError says what to change."""
    chosen: dict[str, str] = {}
    subjects, identifiers, ignore = [], [], []
    names: set[str] = set()
    for column, role, setting in zip(columns, roles, settings):
        if role == SUBJECT:
            subjects.append(_subject(column, setting or {}, current, names))
        elif role == IDENTIFIER:
            identifiers.append(column)
        elif role and role != NOT_USED:
            if role not in ROLE_BY_NAME:
                raise DataError(f"column '{column}': unknown role '{role}'")
            if role in chosen:
                raise DataError(f"columns '{chosen[role]}' and '{column}' are both set to "
                                f"{ROLE_BY_NAME[role].label}; set one of them to another role or to Not used")
            chosen[role] = column
        else:
            ignore.append(column)
    out = "auto"
    if outcome == COMBINED:
        out = COMBINED
    elif outcome:
        named = next((s["name"] for s in subjects if s["column"] == outcome), None)
        if named is None:
            raise DataError(f"the outcome '{outcome}' is not a subject any more; choose Combined score or one "
                            "of the subjects")
        out = named
    return {"roles": {role: chosen.get(role) for role in ROLE_BY_NAME}, "subjects": subjects,
            "identifiers": identifiers, "ignore": ignore, "outcome": out}


def outcome_value(column_map: ColumnMap) -> str:
    """The outcome select's value for a map: a subject's column, or "combined"."""
    if column_map.outcome not in ("auto", COMBINED):
        subject = column_map.subject(column_map.outcome)
        return subject.column if subject else COMBINED
    if column_map.outcome == "auto" and len(column_map.subjects) == 1:
        return column_map.subjects[0].column
    return COMBINED

