"""Ask your data: plain-language questions answered by a few safe tools that run here.

Tools: count students, mean or median of a measure (overall or by group), compare two groups (difference, 95 %
interval, p-value, effect size), the students at risk (a list for the screen; the model only ever sees how
many) and what to do for a group (the insights' own suggestions). Every tool takes the same conditions: values
of category columns and ranges of numeric ones (ask_where). Without Gemini the deterministic parser (ask_parse)
answers, and a question with a word it did not use is not answered: the reply names the words. With Gemini,
the model picks the tools by function calling and sees only their aggregate results.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.defaults import MIN_GROUP
from analytics.insights import offline
from analytics.insights.ask_parse import Parsed, parse
from analytics.insights.ask_where import MAX_LEVELS, Where, groupings, imputed_note, measures
from analytics.insights.facts import safe_label, view_facts
from analytics.results import PERSONA, ROW, TRAJECTORY, Analysis

__all__ = ["MAX_LEVELS", "Answer", "Where", "answer", "groupings", "measures"]
HELP = ("I can answer: how many students match a description (\"How many girls in public schools scored below "
        "60?\", \"How many have FSM?\"), an average or median, overall or by group (\"Average exam score by "
        "parental involvement\"), which group has the highest or lowest average (\"Which persona has the lowest "
        "attendance?\"), a comparison (\"Compare exam score between boys and girls\"), who is at risk, and what "
        "to do for a group (\"What should we do for boys with attendance below 80?\").")


@dataclass
class Answer:
    text: str
    table: pd.DataFrame = field(repr=False)  # what the answer was computed from
    engine: str = "offline"
    students: pd.DataFrame | None = field(default=None, repr=False)  # a list for the screen, never the model
    understood: bool = True


# The tools, shared by the parser and by Gemini's function calling. Each returns aggregates only.
def tool_count(analysis: Analysis, where: Where, keep=None) -> pd.DataFrame:
    mask = where.mask(analysis, keep)
    return pd.DataFrame({"condition": [where.describe()], "students": [int(mask.sum())]})


def tool_by_group(analysis: Analysis, measure: str | None, by: str | None, stat: str = "mean",
                  where: Where | None = None, keep=None, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Students and the mean or median of `measure` per group of `by` (groups under min_group left out); with
    no `by`, one row for all the students that match; with no measure, counts only."""
    where = where or Where()
    mask = where.mask(analysis, keep)
    if by is None:
        values = analysis.students.loc[mask, measure]
        row = {"condition": where.describe(), "students": int(mask.sum())}
        if mask.sum() >= min_group:
            row[stat] = round(float(values.median() if stat == "median" else values.mean()), 2)
        return pd.DataFrame([row])
    frame = analysis.students.loc[mask, [by] + ([measure] if measure and measure != by else [])]
    grouped = frame.groupby(by, observed=True)
    table = pd.DataFrame({"students": grouped.size()})
    if measure and measure != by:
        table[stat] = grouped[measure].median() if stat == "median" else grouped[measure].mean()
    table = table[table["students"] >= min_group].round(2).reset_index()
    table[by] = table[by].map(safe_label)
    return table


def tool_compare(analysis: Analysis, measure: str, by: str, a: str, b: str, where: Where | None = None, keep=None,
                 min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Mean of `measure` in group a minus group b of column `by`, with Welch's 95 % interval, p and Cohen's d."""
    from analytics.insights.facts import welch_gap

    mask = (where or Where()).mask(analysis, keep)
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


def tool_at_risk(analysis: Analysis, where: Where, keep, at_risk: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(count table, the students listed for the screen)."""
    rows = np.flatnonzero(where.mask(analysis, keep) & at_risk)
    table = pd.DataFrame({"condition": [where.describe() + " and predicted below the pass mark"],
                          "students": [len(rows)]})
    listing = analysis.students.iloc[rows][[c for c in (ROW, PERSONA, TRAJECTORY) if c in analysis.students]]
    return table, (listing.assign(row=analysis.sheet_row(listing[ROW])) if ROW in listing else listing)


def tool_support(analysis: Analysis, where: Where, keep=None, min_group: int = MIN_GROUP) -> tuple[pd.DataFrame, list]:
    """The insights' "what to do" for the students that match: per persona among them, the support for its
    weakest theme (the same lines the insights panel shows for that view)."""
    mask = where.mask(analysis, keep)
    facts = view_facts(analysis, mask, min_group)
    lines = offline.write(facts)["actionable_recommendations"] if mask.sum() >= min_group else []
    table = pd.DataFrame([{"persona": p["name"], "students": p["students"],
                           "weakest theme": p["weakest"][0] if p["weakest"] else "",
                           "theme SD": p["themes"][p["weakest"][0]] if p["weakest"] else None}
                          for p in facts.personas])
    return (table if not table.empty else tool_count(analysis, where, keep)), lines


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def label(column: str) -> str:
    return column.replace("_", " ").lower()


def cannot(parsed: Parsed, reason: str = "") -> Answer:
    """Not answered: the words not used, what was understood, and what can be asked."""
    text = "I could not work that question out"
    if parsed.ignored:
        words = ", ".join(f'"{w}"' for w in parsed.ignored)
        text += (f": I did not understand {words}, and answering without "
                 f"{'it' if len(parsed.ignored) == 1 else 'them'} would answer a different question")
    text += "." + (f" {reason}" if reason else "")
    text += "".join(f" Note: {h}." for h in dict.fromkeys(parsed.hints))
    understood = parsed.where.describe()
    if parsed.where.columns():
        text += f" I did understand: {understood}."
    return Answer(text + " " + HELP, pd.DataFrame(), understood=False)


def answer(analysis: Analysis, question: str, keep: np.ndarray | None = None, at_risk: np.ndarray | None = None,
           min_group: int = MIN_GROUP) -> Answer:
    """The deterministic parser's answer, with the table it was computed from."""
    parsed = parse(analysis, question, keep)
    if parsed.ignored:
        return cannot(parsed)
    where, intent = parsed.where, parsed.intent
    note = imputed_note(analysis, where)
    note = " " + note if note else ""
    if intent == "at_risk":
        if at_risk is None:
            return cannot(parsed, "There is no risk model for this file yet (it needs exam scores).")
        table, listing = tool_at_risk(analysis, where, keep, at_risk)
        n = int(table["students"].iat[0])
        return Answer(f"{n:,} students ({where.describe()}) are predicted below the pass mark; they are listed "
                      "below." + note, table, students=listing)
    if intent == "support":
        table, lines = tool_support(analysis, where, keep, min_group)
        n = int(where.mask(analysis, keep).sum())
        if not lines:
            return Answer(f"{n:,} students match ({where.describe()}): fewer than {min_group}, too few for a "
                          "suggestion." + note, table)
        return Answer(f"For the {n:,} students where {where.describe()}, the insights suggest:\n\n"
                      + "\n".join(f"- {line}" for line in lines) + note, table)
    if intent == "compare":
        if not (parsed.measure and parsed.compare):
            return cannot(parsed, "A comparison needs a numeric column and exactly two groups of one column "
                                  "(\"Compare exam score between boys and girls\").")
        by, a, b = parsed.compare
        table = tool_compare(analysis, parsed.measure, by, a, b, where, keep, min_group)
        if "difference" not in table:
            return Answer(f"One of the groups has fewer than {min_group} students in this view.", table)
        row = table.iloc[0]
        scope = f" ({where.describe()})" if where.columns() else ""
        return Answer(f"Mean {label(parsed.measure)}{scope}: {row['compared']} differ by {row['difference']:+.2f} "
                      f"(95% interval {row['interval_95']}, {p_text(row['p_value'])}, d = {row['effect_size_d']:.2f})."
                      + note, table)
    if intent == "superlative":
        table = tool_by_group(analysis, parsed.measure, parsed.by, "mean", where, keep, min_group)
        if table.empty:
            return Answer(f"No {parsed.by} group has {min_group} or more students here.", table)
        column = "mean" if parsed.measure else "students"
        low = parsed.extreme == "lowest"
        pick = table.loc[table[column].idxmin() if low else table[column].idxmax()]
        what = f"mean {label(parsed.measure)}: {pick['mean']:.2f} (" if parsed.measure else "number of students ("
        return Answer(f"**{pick[parsed.by]}** has the {parsed.extreme} {what}{int(pick['students']):,} students"
                      + (f"; {where.describe()}" if where.columns() else "") + ")." + note, table)
    if intent == "stat":
        if not parsed.measure:
            return cannot(parsed, "Name the numeric column to average (\"average attendance of girls\").")
        stat = parsed.stat
        table = tool_by_group(analysis, parsed.measure, parsed.by, stat, where, keep, min_group)
        if parsed.by:
            lines = "; ".join(f"{r[parsed.by]} {r[stat]:.2f}" for _, r in table.iterrows())
            scope = f" ({where.describe()})" if where.columns() else ""
            return Answer(f"{stat.title()} {label(parsed.measure)} by {label(parsed.by)}{scope}: {lines}." + note,
                          table)
        n = int(table["students"].iat[0])
        if stat not in table:
            return Answer(f"{n:,} students match ({where.describe()}): fewer than {min_group}, so no {stat} is "
                          "reported." + note, table)
        return Answer(f"{stat.title()} {label(parsed.measure)}: {table[stat].iat[0]:.2f} ({n:,} students: "
                      f"{where.describe()})." + note, table)
    if intent in ("count", "share"):
        if parsed.by:
            table = tool_by_group(analysis, None, parsed.by, where=where, keep=keep, min_group=min_group)
            lines = "; ".join(f"{r[parsed.by]} {r['students']:,}" for _, r in table.iterrows())
            return Answer(f"Students by {label(parsed.by)} ({where.describe()}): {lines}." + note, table)
        table = tool_count(analysis, where, keep)
        n, total = int(table["students"].iat[0]), analysis.rows if keep is None else int(keep.sum())
        if intent == "share":
            table["share_of_view"] = round(n / total, 4) if total else 0.0
            return Answer(f"{n / total if total else 0:.1%} of the {total:,} students in view ({n:,}): "
                          f"{where.describe()}." + note, table)
        return Answer(f"{n:,} {'student' if n == 1 else 'students'}: {where.describe()}." + note, table)
    return cannot(parsed, "I found no question to answer in it (a count, an average, a comparison, who is at "
                          "risk or what to do)." if where.columns() else "")
