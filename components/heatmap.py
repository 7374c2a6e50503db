"""The subject x group heat map: colour = share of the group below the subject's reference mark, text = that share
and the group's mean gap to the students in view. Small groups show no figure, only "fewer than N"."""
from __future__ import annotations

import json
import math

from .plot import Figure, trace
from .theme import GRID, INK, MUTED, base_layout

ROW_PX, TOP, BOTTOM = 30, 70, 10
SCALE = [[0, "#f8fafc"], [0.5, "#fca5a5"], [1, "#b91c1c"]]
BASIS = {"target": "the subject's target", "pass mark": "the pass mark", "cohort median": "the cohort median"}


def _hover(cell: dict, measure, threshold: int) -> str:
    head = f"<b>{cell['row']}</b> · {measure.name}"
    if cell["suppressed"]:
        return f"{head}<br>fewer than {threshold} students with a mark: not shown"
    if not cell["n"]:
        return f"{head}<br>no students with a mark in this view"
    return (f"{head}<br>{cell['n']:,} students with a mark<br>"
            f"{cell['below']:.0%} below {BASIS[measure.basis]} ({measure.reference:g})<br>"
            f"mean {cell['gap']:+.1f} points against everyone in view<br>"
            + (f"mean progress {cell['progress']:+.2f} SD against students with the same prior attainment<br>"
               if cell.get("progress") == cell.get("progress") and cell.get("progress") is not None else "")
            + "<i>click to filter to this group</i>")


def heatmap(result, threshold: int, selected: dict | None = None) -> Figure:
    """`result` is analytics.explore.heatmap.HeatMap; `selected` (the filters) puts the chosen groups in bold."""
    selected = selected or {}
    cells = {(c["row"], c["measure"]): c for c in result.cells.to_dict("records")}
    x = [m.name for m in result.measures]
    z, text, custom = [], [], []
    for key, value, row in result.rows:
        z_row, text_row, custom_row = [], [], []
        for measure in result.measures:
            cell = cells[(row, measure.name)]
            shown = not (cell["suppressed"] or math.isnan(cell["below"]))
            z_row.append(round(cell["below"] * 100, 1) if shown else None)
            text_row.append(f"{cell['below']:.0%}<br>{cell['gap']:+.1f}" if shown else
                            (f"&lt;{threshold}" if cell["suppressed"] else ""))
            custom_row.append([key, value, measure.name, _hover(cell, measure, threshold)])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    labels = [f"<b>{row}</b>" if value in selected.get(key, []) else row for key, value, row in result.rows]
    # dcc.Graph drops a heat map's customdata from clickData (its point number is a pair), so each row's category
    # is its [filter key, group] as JSON, and the axis shows the label instead
    rows = [json.dumps([key, value]) for key, value, _ in result.rows]
    fig = Figure(trace("heatmap", z=z, x=x, y=rows, text=text, texttemplate="%{text}", customdata=custom,
                       colorscale=SCALE, zmin=0, zmax=100, xgap=2, ygap=2, hoverongaps=True,
                       textfont={"size": 11}, hoverlabel={"font": {"color": INK}}, hovertemplate="%{customdata[3]}<extra></extra>",
                       colorbar={"title": {"text": "% below", "side": "right"}, "ticksuffix": "%",
                                 "thickness": 12, "len": 0.9}))
    fig.update_layout(base_layout(height=TOP + BOTTOM + ROW_PX * max(len(result.rows), 3),
                                  margin={"l": 10, "r": 10, "t": TOP, "b": BOTTOM}, clickmode="event",
                                  plot_bgcolor=GRID))
    fig.update_xaxes(side="top", tickangle=0, automargin=True, fixedrange=True)
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True, tickfont={"size": 12, "color": MUTED},
                     tickmode="array", tickvals=rows, ticktext=labels)
    return fig


def clicked_cell(point: dict) -> tuple[str, str, str | None] | None:
    """(filter key, group, subject) of a clicked cell, from the row's JSON category (or customdata, where a
    caller kept it); None for anything else."""
    data = point.get("customdata")
    if isinstance(data, list) and len(data) >= 3:
        return str(data[0]), str(data[1]), data[2]
    try:
        key, value = json.loads(point.get("y") or "")
    except (TypeError, ValueError):
        return None
    return str(key), str(value), point.get("x")
