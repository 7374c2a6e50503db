"""Ask your data: plain-language questions answered by a few safe tools that run here.

Tools: count students, mean or median of a measure by group, compare two groups (difference, 95 % interval,
p-value, effect size), and the students at risk (a list for the
screen; the model only ever sees how many). Without Gemini, a deterministic parser answers the common forms
("How many girls in public schools are in the weakest trajectory?", "Which persona has the lowest
attendance?", "Average exam score by parental involvement") and says plainly when it cannot. With Gemini,
the model picks the tools by function calling and sees only their aggregate results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.defaults import MIN_GROUP
from analytics.ingest.schema import norm
from analytics.insights.facts import safe_label
from analytics.results import PERSONA, ROW, THEME_PREFIX, TRAJECTORY, Analysis

MAX_LEVELS = 30
GENDER_WORDS = {"female": ("girl", "girls", "female", "females", "women", "woman"),
                "male": ("boy", "boys", "male", "males", "men", "man")}


@dataclass
class Answer:
    text: str
    table: pd.DataFrame = field(repr=False)  # what the answer was computed from
    engine: str = "offline"
    students: pd.DataFrame | None = field(default=None, repr=False)  # a list for the screen, never the model
    understood: bool = True


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def measures(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> numeric column (the uploaded ones; theme z-scores and row numbers left out)."""
    out = {}
    for column in analysis.students.columns:
        values = analysis.students[column]
        if column == ROW or column.startswith(THEME_PREFIX) or isinstance(values.dtype, pd.CategoricalDtype):
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[norm(column)] = column
    for role, column in analysis.mapping.items():
        if column in analysis.students and norm(column) in out:
            out.setdefault(norm(role), column)
    return out


def groupings(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> grouping column (persona, trajectory, gender, school type, other categories)."""
    out = {}
    for column in analysis.students.columns:
        values = analysis.students[column]
        if column.startswith(THEME_PREFIX) or column == ROW:
            continue
        if (isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object) and \
                values.nunique() <= MAX_LEVELS:
            out[norm(column)] = column
    for word, column in (("persona", PERSONA), ("trajectory", TRAJECTORY), ("gender", analysis.gender_column),
                         ("sex", analysis.gender_column), ("school", analysis.school_column),
                         ("schooltype", analysis.school_column)):
        if column and column in analysis.students:
            out[word] = column
    for role, column in analysis.mapping.items():
        if norm(column) in out:
            out.setdefault(norm(role), column)
    return out


def _find(text: str, names: dict[str, str]) -> list[str]:
    """Columns named in the text, longest name first (so 'previous score' wins over 'score')."""
    squashed = norm(text)
    found = []
    for key in sorted(names, key=len, reverse=True):
        if key and key in squashed and names[key] not in found:
            found.append(names[key])
            squashed = squashed.replace(key, " ")
    return found


def conditions(analysis: Analysis, question: str) -> dict[str, list[str]]:
    """Category values the question names: {column: [values]} (girls -> Female, 'weakest trajectory'...)."""
    words = _words(question)
    text = question.lower()
    out: dict[str, list[str]] = {}
    gender = analysis.gender_column
    if gender and gender in analysis.students:
        levels = [str(v) for v in analysis.students[gender].astype(str).unique()]
        for target, synonyms in GENDER_WORDS.items():
            if words & set(synonyms):
                out.setdefault(gender, []).extend(v for v in levels if v.lower() in (target, target[0]))
    if TRAJECTORY in analysis.students and analysis.trajectories:
        if re.search(r"\b(weakest|lowest|worst)\s+trajectory", text):
            out[TRAJECTORY] = [min(analysis.trajectories, key=lambda t: t.mean_exam_score).name]
        elif re.search(r"\b(strongest|highest|best)\s+trajectory", text):
            out[TRAJECTORY] = [max(analysis.trajectories, key=lambda t: t.mean_exam_score).name]
    for column in groupings(analysis).values():
        if column in out or column == gender:
            continue
        for value in analysis.students[column].astype(str).unique():
            v = str(value).lower()
            if len(v) >= 3 and re.search(r"(?<![a-z])" + re.escape(v) + r"(?![a-z])", text):
                out.setdefault(column, []).append(str(value))
    return out


def where_mask(analysis: Analysis, where: dict[str, list[str]], keep: np.ndarray | None) -> np.ndarray:
    mask = np.ones(analysis.rows, dtype=bool) if keep is None else keep.copy()
    for column, values in where.items():
        mask &= analysis.students[column].astype(str).isin(values).to_numpy()
    return mask


# The tools, shared by the parser and by Gemini's function calling. Each returns aggregates only.
def tool_count(analysis: Analysis, where: dict, keep=None) -> pd.DataFrame:
    mask = where_mask(analysis, where, keep)
    return pd.DataFrame({"condition": [describe_where(where)], "students": [int(mask.sum())]})


def tool_by_group(analysis: Analysis, measure: str, by: str, stat: str = "mean", where: dict | None = None,
                  keep=None, min_group: int = MIN_GROUP) -> pd.DataFrame:
    mask = where_mask(analysis, where or {}, keep)
    frame = analysis.students.loc[mask, [by, measure]]
    grouped = frame.groupby(by, observed=True)[measure]
    table = pd.DataFrame({"students": grouped.size(), stat: grouped.median() if stat == "median" else grouped.mean()})
    table = table[table["students"] >= min_group].round(2).reset_index()
    table[by] = table[by].map(safe_label)
    return table


def tool_compare(analysis: Analysis, measure: str, by: str, a: str, b: str, where: dict | None = None, keep=None,
                 min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Mean of `measure` in group a minus group b of column `by`, with Welch's 95 % interval, p and Cohen's d."""
    from analytics.insights.facts import welch_gap

    mask = where_mask(analysis, where or {}, keep)
    labels = analysis.students[by].astype(str).to_numpy()
    values = analysis.students[measure].to_numpy(dtype=float)
    x, y = values[mask & (labels == a)], values[mask & (labels == b)]
    if len(x) < max(2, min_group) or len(y) < max(2, min_group):
        return pd.DataFrame({"group": [safe_label(a), safe_label(b)], "students": [len(x), len(y)]})
    gap = welch_gap(by, a, b, x, y)
    return pd.DataFrame([{"compared": f"{gap.a} vs {gap.b}", "students": f"{gap.n_a:,} / {gap.n_b:,}",
                          "means": f"{gap.mean_a:.2f} vs {gap.mean_b:.2f}", "difference": gap.difference,
                          "interval_95": f"{gap.low:.2f} to {gap.high:.2f}", "p_value": float(f"{gap.p_value:.3g}"),
                          "effect_size_d": gap.effect_size}])


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def describe_where(where: dict) -> str:
    return " and ".join(f"{c} is {' or '.join(v)}" for c, v in where.items()) or "all students in view"


def answer(analysis: Analysis, question: str, keep: np.ndarray | None = None, at_risk: np.ndarray | None = None,
           min_group: int = MIN_GROUP) -> Answer:
    """The deterministic parser's answer, with the table it was computed from."""
    text = question.lower().strip()
    where = conditions(analysis, question)
    found_measures = _find(question, measures(analysis))
    groups = groupings(analysis)
    if re.search(r"\b(at risk|falling short|fall short|below the pass)", text) and at_risk is not None:
        mask = where_mask(analysis, where, keep) & at_risk
        rows = np.flatnonzero(mask)
        table = pd.DataFrame({"condition": [describe_where(where) + " and predicted below the pass mark"],
                              "students": [len(rows)]})
        listing = analysis.students.iloc[rows][[c for c in (ROW, PERSONA, TRAJECTORY) if c in analysis.students]]
        listing = listing.assign(row=listing[ROW] + 2) if ROW in listing else listing
        return Answer(f"{len(rows):,} students ({describe_where(where)}) are predicted below the pass mark; they are "
                      "listed below.", table, students=listing)
    if text.startswith("how many") or re.search(r"\bnumber of (students|pupils)", text):
        table = tool_count(analysis, where, keep)
        n = int(table["students"].iat[0])
        return Answer(f"{n:,} students: {describe_where(where)}.", table)
    superlative = re.search(r"\b(which|what)\s+(\w[\w ]*?)\s+(has|have|is|are)\s+the\s+(lowest|highest|least|most|"
                            r"best|worst|smallest|largest)\b", text)
    if superlative and found_measures:
        by_columns = _find(superlative.group(2), groups) or [PERSONA]
        by, measure = by_columns[0], next((m for m in found_measures if m != by_columns[0]), found_measures[0])
        table = tool_by_group(analysis, measure, by, "mean", where, keep, min_group)
        if table.empty:
            return Answer(f"No {by} group has {min_group} or more students in this view.", table)
        low = superlative.group(4) in ("lowest", "least", "worst", "smallest")
        pick = table.loc[table["mean"].idxmin() if low else table["mean"].idxmax()]
        return Answer(f"**{pick[by]}** has the {superlative.group(4)} mean {measure.replace('_', ' ').lower()}: "
                      f"{pick['mean']:.2f} ({int(pick['students']):,} students).", table)
    compare = re.search(r"\bcompare\b", text) or re.search(r"\bdifference\b.*\bbetween\b", text)
    if compare and found_measures:
        named = _find(question, groups)  # a column the question names wins over others sharing the labels
        for column, values in sorted(where.items(), key=lambda item: item[0] not in named):
            if len(values) == 2:
                # other columns that matched the same labels (Low/High appear in many) are not conditions
                others = {c: v for c, v in where.items() if c != column and set(v) != set(values)}
                table = tool_compare(analysis, found_measures[0], column, values[0], values[1], others, keep,
                                     min_group)
                if "difference" not in table:
                    return Answer(f"One of the groups has fewer than {min_group} students in this view.", table)
                row = table.iloc[0]
                return Answer(f"Mean {found_measures[0].replace('_', ' ').lower()}: {row['compared']} differ by "
                              f"{row['difference']:+.2f} (95% interval {row['interval_95']}, {p_text(row['p_value'])},"
                              f" d = {row['effect_size_d']:.2f}).", table)
    by_match = re.search(r"\b(by|per|for each|across)\s+(.+)$", text)
    if found_measures and by_match:
        by_columns = _find(by_match.group(2), groups)
        if by_columns:
            by = by_columns[0]
            measure = next((m for m in found_measures if m != by), found_measures[0])
            stat = "median" if "median" in text else "mean"
            table = tool_by_group(analysis, measure, by, stat, where, keep, min_group)
            lines = "; ".join(f"{r[by]} {r[stat]:.2f}" for _, r in table.iterrows())
            return Answer(f"{stat.title()} {measure.replace('_', ' ').lower()} by {by.replace('_', ' ').lower()}: "
                          f"{lines}.", table)
    return Answer("I could not work that question out. I can answer: how many students match a description "
                  "(\"How many girls in public schools are in the weakest trajectory?\"), which group has the "
                  "highest or lowest average of a column (\"Which persona has the lowest attendance?\"), an "
                  "average or median by group (\"Average exam score by parental involvement\"), a comparison "
                  "(\"Compare exam score between boys and girls\"), and who is at risk.",
                  pd.DataFrame(), understood=False)
