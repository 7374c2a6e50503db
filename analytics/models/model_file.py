"""A fitted persona model as one JSON file, to carry this year's personas forward to next year's cohort.

The file holds the scaling (each column's mean and SD, each theme's), the K-Means centres, the persona names
and profiles, the column roles the model was fitted with and the settings: aggregates only, never a student
row. Floats are written with Python's shortest round-tripping repr, so a model read back is the model written
and the same file placed on it gives back exactly the personas it was fitted with.
"""
from __future__ import annotations

import json
import math

import numpy as np

from analytics.errors import DataError
from analytics.ingest.schema import ROLE_BY_NAME, THEME_PARTS
from analytics.models.persona_model import PersonaModel
from analytics.models.themes import THEME_LABELS
from analytics.results import Analysis

FORMAT = "cohort-atlas-persona-model"
VERSION = 1
CHOICE_KEY = "persona_model"  # the key a carried model travels under in a dataset's column choices
MAX_BYTES = 1 * 2**20


def to_document(analysis: Analysis, settings: dict | None = None) -> dict:
    """The model file's content for an analysis with personas. DataError when it has none."""
    model = analysis.persona_model
    if model is None:
        raise DataError("this file has no personas to carry forward ("
                        + analysis.skipped.get("personas", "no persona model was fitted") + ")",
                        file=analysis.filename)
    return {"format": FORMAT, "version": VERSION, "source": model.source,
            "settings": {"personas": len(model.names), **(settings or {})},
            "mapping": {role: column for role, column in analysis.mapping.items() if role in model.parts},
            "parts": {role: list(pair) for role, pair in model.parts.items()},
            "themes": {theme: list(pair) for theme, pair in model.themes.items()},
            "fills": dict(model.fills),
            "personas": [{"name": name, "centre": [float(v) for v in centre], "profile": dict(profile)}
                         for name, centre, profile in zip(model.names, model.centroids, model.means)]}


def dumps(analysis: Analysis, settings: dict | None = None) -> str:
    return json.dumps(to_document(analysis, settings), indent=1)


def from_document(doc, name: str = "the model file") -> PersonaModel:
    """The PersonaModel in a model file's content; a DataError saying what is wrong with it."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DataError("is not a Cohort Atlas persona model (download one from the dashboard, or write one with "
                        "`python -m analytics summarize FILE --save-model MODEL.json`)", file=name)
    if doc.get("version") != VERSION:
        raise DataError(f"is a persona model of version {doc.get('version')}; this version of Cohort Atlas reads "
                        f"version {VERSION}", file=name)
    try:
        themes = {str(t): _pair(v) for t, v in doc["themes"].items()}
        parts = {str(r): _pair(v) for r, v in doc["parts"].items()}
        fills = {str(r): float(v) for r, v in doc["fills"].items()}
        personas = doc["personas"]
        centroids = np.array([[float(v) for v in p["centre"]] for p in personas], dtype=float)
        names = tuple(str(p["name"]) for p in personas)
        means = tuple({str(t): float(v) for t, v in p["profile"].items()} for p in personas)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DataError(f"is a damaged persona model ({type(err).__name__}: {err}); download it again",
                        file=name) from None
    unknown = [t for t in themes if t not in THEME_PARTS] + [r for r in parts if r not in ROLE_BY_NAME]
    if unknown:
        raise DataError(f"names themes or columns this version does not know: {', '.join(unknown)}", file=name)
    if len(names) < 2 or centroids.shape != (len(names), len(themes)) or not np.isfinite(centroids).all():
        raise DataError("is a damaged persona model (its centres do not match its themes); download it again",
                        file=name)
    if set(fills) != set(parts):
        raise DataError("is a damaged persona model (blank-cell values do not match its columns)", file=name)
    return PersonaModel(str(doc.get("source", "")), parts, themes, fills, centroids, names, means)


def _pair(value) -> tuple[float, float]:
    mean, std = (float(v) for v in value)
    if not (math.isfinite(mean) and math.isfinite(std)) or std <= 0:
        raise ValueError("a mean or SD is not a positive number")
    return mean, std


def loads(text: str | bytes, name: str = "the model file") -> dict:
    """A model file's content, checked (`from_document` succeeds on it)."""
    if len(text) > MAX_BYTES:
        raise DataError(f"is larger than a persona model can be ({MAX_BYTES // 2**20} MB)", file=name)
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        where = f" (line {err.lineno}, column {err.colno})" if isinstance(err, json.JSONDecodeError) else ""
        raise DataError(f"is not valid JSON{where}; choose the .json file the dashboard downloaded",
                        file=name) from None
    from_document(doc, name)
    return doc


def read_model(path: str) -> dict:
    """A model file from disk, checked; DataError naming the file when it cannot be used."""
    import os

    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            return loads(fh.read(MAX_BYTES + 1), name)
    except OSError as err:
        raise DataError(f"cannot open the model file ({err.strerror})", file=name) from None


def missing_themes(model: PersonaModel, roles: set[str]) -> list[str]:
    """The model's themes (in words, with the columns they need) that a file with `roles` cannot build."""
    out = []
    for theme in model.themes:
        lacking = [ROLE_BY_NAME[r].label for r, _ in THEME_PARTS[theme] if r in model.parts and r not in roles]
        if lacking:
            out.append(f"the {THEME_LABELS.get(theme, theme)} theme, from {' and '.join(lacking)}")
    return out


def split_choices(choices: dict | None, columns: list[str]) -> tuple[dict | None, PersonaModel | None]:
    """A dataset's column choices without the carried model, and that model. The model's column roles are
    laid under the choices for columns this file has, so a column mapped by hand last year is read the same
    way; choices made for this file win."""
    if not choices or CHOICE_KEY not in choices:
        return choices, None
    rest = {k: v for k, v in choices.items() if k != CHOICE_KEY}
    doc = choices[CHOICE_KEY]
    model = from_document(doc, "the carried persona model")
    known = set(columns)
    carried = {role: column for role, column in (doc.get("mapping") or {}).items()
               if role in ROLE_BY_NAME and column in known}
    if carried:
        chosen = rest.get("roles") or {}
        taken = {v if isinstance(v, str) else (v or {}).get("column") for v in chosen.values()}
        roles = {r: c for r, c in carried.items() if r not in chosen and c not in taken}
        rest["roles"] = {**roles, **chosen}
    return (rest or None), model


def check_fits(model: PersonaModel, roles: set[str], filename: str) -> None:
    """A DataError naming the model's themes a file lacks, before anything is placed on it."""
    lacking = missing_themes(model, roles)
    if lacking:
        raise DataError("cannot be placed on the carried personas: it lacks the column(s) behind "
                        + "; ".join(lacking) + f", which the personas of {model.source or 'the model'} are built "
                        "on. Add those columns, map them by hand, or fit new personas for this file",
                        file=filename)
