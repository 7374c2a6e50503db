"""Terms linked by student id: the first term's personas applied to every later term, and what changed.

The first file is analysed as usual and its persona model kept (`Analysis.persona_model`); each later file is
analysed on that model, not refitted, so a move between personas means the student's own data moved.
Joined: an id not in the first term's file but in a later one. Left: an id in an earlier term's file but not in
the last one. An id on more than one row of any term is named and left out of linking in every term.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.analysis import analyse
from analytics.defaults import PERSONAS
from analytics.errors import DataError
from analytics.ingest.read import DEFAULT_MAX_BYTES, Table, read_path
from analytics.results import PERSONA, Analysis
from analytics.track.link import duplicate_note, term_ids, usable
from analytics.track.subjects import change_summary, compare_subjects, points, term_mean


@dataclass
class Tracking:
    id_column: str
    analyses: list[Analysis] = field(repr=False)
    linked: list[str]  # in every term
    joined: list[str]
    left: list[str]
    duplicates: list[str]  # left out of linking
    moves: list[list[dict]]  # per step: {from, to, count}, stays included
    subjects: dict[str, list[float | None]]  # mean points per term
    changes: dict[str, list[dict | None]]  # per step, over students linked across it with a mark in both
    refused: dict[str, str]  # subject -> why it is not compared
    warnings: list[str]
    table: pd.DataFrame = field(repr=False)  # one row per id: persona and points in each term (T1, T2, ...)

    @property
    def files(self) -> list[str]:
        return [a.filename for a in self.analyses]

    def to_dict(self) -> dict:
        terms = [{"file": a.filename, "rows": a.rows,
                  "personas": [{"name": p.name, "size": p.size} for p in a.personas]} for a in self.analyses]
        steps = [{"from": self.files[i], "to": self.files[i + 1], "students": sum(m["count"] for m in moves),
                  "moved": sum(m["count"] for m in moves if m["from"] != m["to"])}
                 for i, moves in enumerate(self.moves)]
        return {"id_column": self.id_column, "terms": terms, "linked": len(self.linked),
                "joined": {"count": len(self.joined), "ids": self.joined},
                "left": {"count": len(self.left), "ids": self.left},
                "duplicates": {"count": len(self.duplicates), "ids": self.duplicates},
                "moves": self.moves, "steps": steps, "subjects": self.subjects, "changes": self.changes,
                "refused": self.refused, "warnings": self.warnings}


def track_files(paths: list[str], id_column: str | None = None, choices: dict | None = None,
                personas: int = PERSONAS, max_bytes: int = DEFAULT_MAX_BYTES) -> Tracking:
    if len(paths) < 2:
        raise DataError(f"tracking needs at least two terms' files, not {len(paths)}")
    return track([read_path(p, max_bytes) for p in paths], id_column, choices, personas)


def track(tables: list[Table], id_column: str | None = None, choices: dict | list | None = None,
          personas: int = PERSONAS) -> Tracking:
    """Tables in term order, first term first; `choices` (a --mapping) apply to every term, or a list gives each
    term its own (a later export with another header layout, mapped by hand; None there: the first term's)."""
    if len(tables) < 2:
        raise DataError(f"tracking needs at least two terms' files, not {len(tables)}")
    per_term = list(choices) if isinstance(choices, list) else [choices] * len(tables)
    per_term += [None] * (len(tables) - len(per_term))
    per_term = [per_term[0]] + [own if own is not None else per_term[0] for own in per_term[1:]]
    first = analyse(tables[0], personas, outliers=False, choices=per_term[0])
    model = first.persona_model
    warnings: list[str] = []
    if model is None:
        warnings.append(f"{first.filename}: no personas ({first.skipped.get('personas', 'not fitted')}); "
                        "persona moves are not shown.")
    analyses = [first] + [analyse(t, personas, outliers=False, choices=own, persona_model=model)
                          for t, own in zip(tables[1:], per_term[1:])]
    if model is None:
        for a in analyses[1:]:
            a.personas = []
    ids = [term_ids(a, id_column) for a in analyses]
    duplicates = list(dict.fromkeys(value for term in ids for value in term.duplicates))
    warnings += [duplicate_note(term, a.filename) for term, a in zip(ids, analyses) if term.duplicates]
    warnings += [f"{a.filename}: {term.blank:,} row(s) have no id in column '{term.column}'; they are left out "
                 "of linking." for term, a in zip(ids, analyses) if term.blank]
    rows = [usable(term, set(duplicates)) for term in ids]
    lists = [r.tolist() for r in rows]  # plain lists: iterating a Series of text is an order slower
    sets = [set(values) for values in lists]
    for i in range(len(sets) - 1):
        if not sets[i] & sets[i + 1]:
            raise DataError(f"{analyses[i].filename} and {analyses[i + 1].filename} have no student id in common "
                            f"(column '{ids[i].column}' / '{ids[i + 1].column}'); check that both are exports of "
                            "the same school, or name the id column with --id")
    everyone = list(dict.fromkeys(value for values in lists for value in values))
    linked = [v for v in lists[0] if all(v in s for s in sets[1:])]
    joined = [v for v in everyone if v not in sets[0]]
    left = [v for v in everyone if v not in sets[-1]]
    kept, refused = compare_subjects(analyses)
    table = _table(analyses, rows, kept, everyone)
    moves = [] if model is None else [_moves(table, i, model.names) for i in range(len(analyses) - 1)]
    changes = {s: [change_summary(table[f"{s} T{i + 2}"] - table[f"{s} T{i + 1}"])
                   if f"{s} T{i + 1}" in table and f"{s} T{i + 2}" in table else None
                   for i in range(len(analyses) - 1)] for s in kept}
    return Tracking(ids[0].column, analyses, linked, joined, left, duplicates, moves,
                    {s: [term_mean(a, s) for a in analyses] for s in kept}, changes, refused, warnings, table)


def _table(analyses: list[Analysis], rows: list[pd.Series], subjects: list[str], everyone: list[str]) -> pd.DataFrame:
    """One row per linkable id: its name (from the latest term that has it), persona and points per term."""
    parts = []
    for k, (a, r) in enumerate(zip(analyses, rows), 1):
        columns = {}
        name = a.mapping.get("name")
        if name is not None:
            columns[f"Name T{k}"] = a.students[name].to_numpy()[r.index]
        if PERSONA in a.students:
            columns[f"Persona T{k}"] = a.students[PERSONA].to_numpy()[r.index]
        for s in subjects:
            values = points(a, s)
            if values is not None:
                columns[f"{s} T{k}"] = values[r.index]
        parts.append(pd.DataFrame(columns, index=pd.Index(r.to_numpy(), name="id")))
    table = pd.concat(parts, axis=1).reindex(everyone)
    names = [c for c in table if c.startswith("Name T")]
    if names:
        latest = table[names[-1]].astype(object)
        for column in names[-2::-1]:  # column by column: a row-wise fill over 200k rows is seconds
            latest = latest.where(latest.notna(), table[column].astype(object))
        table = table.drop(columns=names)
        table.insert(0, "Name", latest)
    return table


def _moves(table: pd.DataFrame, step: int, names: tuple[str, ...]) -> list[dict]:
    before, after = f"Persona T{step + 1}", f"Persona T{step + 2}"
    pair = table[[before, after]].dropna()
    counts = pair.groupby([before, after], observed=True).size()
    order = {name: i for i, name in enumerate(names)}
    items = sorted(counts.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]]))
    return [{"from": a, "to": b, "count": int(n)} for (a, b), n in items if n > 0]
