"""The gaps panel: one compact table per gap (FSM, SEN K and E, EAL), one row per measure, with both group sizes,
the difference in means and its 95 % interval. Small groups show "fewer than N" and no figure."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from .cards import note

EXPLAIN = ("Difference in mean points (first group minus second) among the students in view, with its 95 % "
           "interval (Welch). An interval that does not cross 0 is unlikely to be chance alone; a gap's own "
           "filter is left out so it stays measurable.")


def _size(n: int, small: bool, threshold: int) -> str:
    return f"fewer than {threshold}" if small else f"{n:,}"


def _row(row: dict, threshold: int) -> html.Tr:
    sizes = [html.Td(_size(row["n_a"], row["small_a"], threshold), className="text-end"),
             html.Td(_size(row["n_b"], row["small_b"], threshold), className="text-end")]
    if row["difference"] is None or pd.isna(row["difference"]):
        why = ("not reported: a group is too small" if row["small_a"] or row["small_b"]
               else "too few students with a mark to estimate")
        return html.Tr([html.Td(row["measure"]), *sizes, html.Td(why, colSpan=2, className="text-muted")])
    clear = row["low"] > 0 or row["high"] < 0
    return html.Tr([html.Td(row["measure"]), *sizes,
                    html.Td(f"{row['difference']:+.1f}", className="text-end fw-semibold" if clear else "text-end"),
                    html.Td(f"{row['low']:+.1f} to {row['high']:+.1f}", className="text-end")],
                   className="gap-clear" if clear else None)


def gaps_table(table, threshold: int) -> html.Div:
    """`table` is analytics.explore.gaps.GapTable."""
    parts = []
    for title, rows in table.rows.groupby("gap", sort=False):
        first = rows.iloc[0]
        head = html.Thead(html.Tr([html.Th("Measure"), html.Th(f"n {first['group_a']}", className="text-end"),
                                   html.Th(f"n {first['group_b']}", className="text-end"),
                                   html.Th("Gap", className="text-end"), html.Th("95 % interval", className="text-end")]))
        body = html.Tbody([_row(r, threshold) for r in rows.astype(object).to_dict("records")])
        parts += [html.H4(title, className="gap-title"),
                  dbc.Table([head, body], size="sm", hover=True, responsive=True, className="gap-table mb-3")]
    if not parts:
        return html.Div([note(" ".join(table.missing) or "No gap can be measured in this file.")])
    return html.Div([*parts, *(note(m) for m in table.missing), html.Div(EXPLAIN, className="panel-caption")])
