"""Plotly figures for the dashboard. Each takes ready-made tables and colour maps; nothing is computed here."""
from __future__ import annotations

import textwrap

import pandas as pd

from .plot import Figure, trace
from .theme import GRID, MUTED, base_layout

LEGEND_ROW_PX = 21
LEGEND_WRAP = 22
PERCENT_TICKS = {"tickvals": list(range(0, 101, 20)), "ticktext": [f"{v}%" for v in range(0, 101, 20)]}


def wrap(text: str, width: int = 24) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def pretty(column: str) -> str:
    """'Hours_Studied' -> 'Hours studied'; a name a person typed ('KS2 Scaled Score') keeps its capitals."""
    text = column.replace("_", " ").strip()
    if "_" in column or text.islower() or text.isupper() and " " not in text:
        return text.capitalize()
    return text[:1].upper() + text[1:]


def empty(message: str = "") -> Figure:
    fig = Figure(layout=base_layout(height=120))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if message:
        fig.add_annotation(text=message, showarrow=False, font={"color": MUTED})
    return fig


def donut(names: list[str], sizes: list[int], colours: dict[str, str], centre: str, caption: str,
          selected: list[str] | None = None) -> Figure:
    """Slices in the given order; `selected` slices stand out and the rest fade (click one to filter)."""
    chosen = set(selected or [])
    fig = Figure(trace("pie", 
        labels=names, values=sizes, hole=0.64, sort=False, direction="clockwise", customdata=names,
        pull=[0.06 if n in chosen else 0 for n in names],
        marker={"colors": [colours[n] if not chosen or n in chosen else _alpha(colours[n], 0.25) for n in names],
                "line": {"color": "white", "width": 2}},
        textinfo="percent", textposition="inside", insidetextorientation="horizontal",
        hovertemplate="<b>%{label}</b><br>%{value:,} students (%{percent})<extra></extra>",
    ))
    fig.update_layout(base_layout(height=300, showlegend=False, uniformtext={"minsize": 11, "mode": "hide"}))
    fig.add_annotation(text=f"<b>{centre}</b><br><span style='font-size:12px;color:{MUTED}'>{caption}</span>",
                       showarrow=False, font={"size": 22})
    return fig


def radar(centroids: pd.DataFrame, colours: dict[str, str], selected: str | None = None,
          highlight: list[str] | None = None) -> Figure:
    """Persona centroids on the theme axes; 0 is the cohort average, one ring = one standard deviation.

    `highlight` (the persona filter) keeps those traces strong and fades the others; a click on a trace
    (customdata = persona name) filters to it."""
    # two short lines per theme: polar labels get no automargin, so a long one ran off a narrow card
    themes = ["<br>".join(textwrap.wrap(pretty(t), 11, break_long_words=False)) for t in centroids.columns]
    shown = [selected] if selected in centroids.index else list(centroids.index)
    strong = set(highlight or shown)
    fig = Figure()
    for name in shown:
        values = centroids.loc[name].astype(float).tolist()
        fig.add_trace(trace("scatterpolar", 
            r=values + values[:1], theta=themes + themes[:1], name=wrap(name, 40), mode="lines+markers",
            line={"color": colours[name], "width": 2.5}, marker={"size": 7},
            customdata=[name] * (len(values) + 1),
            fill="toself", opacity=(0.9 if len(shown) == 1 else 0.75) if name in strong else 0.2,
            fillcolor=_alpha(colours[name], 0.25 if len(shown) == 1 else 0.06),
            hovertemplate="<b>" + name + "</b><br>%{theta}: %{r:+.2f} SD<extra></extra>",
        ))
    peak = max(1.0, float(centroids.abs().max().max()) if centroids.size else 1.0)
    limit = round(peak + 0.25, 1)
    rings = ring_ticks(limit)
    fig.update_layout(base_layout(
        height=420, showlegend=len(shown) > 1, margin={"l": 66, "r": 66, "t": 36, "b": 10},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0.5, "xanchor": "center",
                "font": {"size": 12}},
        polar={"bgcolor": "rgba(0,0,0,0)",
               "radialaxis": {"range": [-limit, limit], "gridcolor": GRID, "tickfont": {"size": 10, "color": MUTED},
                              "angle": 90, "tickangle": 90, **rings},
               "angularaxis": {"gridcolor": GRID, "linecolor": GRID, "tickfont": {"size": 12}}},
    ))
    return fig


def ring_ticks(limit: float) -> dict:
    """A grid ring per whole SD, but labels only on the centre line and the outermost rings: a label per ring
    smeared into one block when a persona sat 3-4 SD out (common on 0-20 scales)."""
    outer = max(1, int(limit))
    whole = list(range(-outer, outer + 1))
    text = [f"{v:+d} SD" if abs(v) == outer else "0 SD" if v == 0 else "" for v in whole]
    return {"tickvals": whole, "ticktext": text}


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _bars(long: pd.DataFrame, colours: dict[str, str], percent: bool, orientation: str, threshold: int = 0,
          **axes) -> list[dict]:
    """One trace per segment, in segment order: left to right, or top to bottom for columns.

    Suppressed cells (fewer than `threshold` students) get no bar and say "fewer than N" instead of a number.
    customdata carries [group, segment] so a click can filter to that cell.
    """
    traces = []
    # Plain lists, not pandas: a breakdown has a few dozen cells and pandas indexing cost more than the rest.
    cols = long.to_dict("list")
    n = len(long)
    hidden = cols.get("suppressed", [False] * n)
    hidden_total = cols.get("total_suppressed", [False] * n)
    few = f"fewer than {threshold}"
    for segment in dict.fromkeys(cols["segment"]):
        at = [i for i in range(n) if cols["segment"][i] == segment]
        off = [bool(hidden[i]) for i in at]
        off_total = [bool(hidden_total[i]) for i in at]
        value = [0 if o else (cols["percent"][i] if percent else cols["count"][i]) for i, o in zip(at, off)]
        names = [cols["group"][i] for i in at]
        groups = [wrap(g, 22) for g in names]
        xy = {"x": value, "y": groups} if orientation == "h" else {"x": groups, "y": value}
        counts = [few if o else f"{cols['count'][i]:,}" for i, o in zip(at, off)]
        totals = [few if o else f"{cols['group_total'][i]:,}" for i, o in zip(at, off_total)]
        shares = ["" if o or t else f" ({cols['percent'][i]:.1f}%)" for i, o, t in zip(at, off, off_total)]
        traces.append(trace("bar", 
            **xy, **axes, orientation=orientation, marker={"color": colours[segment]},
            name=segment if orientation == "h" else wrap(segment, LEGEND_WRAP),  # side-by-side legends stay narrow
            customdata=list(zip(names, [segment] * len(at), counts, totals, shares)),
            text=[f"{v:.0f}%" if percent and v >= 7 else "" for v in value], textposition="inside",
            insidetextanchor="middle", textfont={"color": "white", "size": 11},
            hovertemplate=("<b>" + segment + "</b><br>%{customdata[0]}: %{customdata[2]} of %{customdata[3]} "
                           "students%{customdata[4]}<extra></extra>"),
        ))
    return traces if orientation == "h" else traces[::-1]  # a column stacks its first trace at the bottom


def stacked_share(long: pd.DataFrame, colours: dict[str, str], threshold: int = 0) -> Figure:
    """Horizontal 100% bars, one per group (top to bottom in the table's order)."""
    groups = list(dict.fromkeys(long["group"]))
    fig = Figure(_bars(long, colours, percent=True, orientation="h", threshold=threshold))
    rows = len(colours)
    fig.update_layout(base_layout(
        barmode="stack", height=max(440, 70 + 56 * len(groups) + LEGEND_ROW_PX * ((rows + 1) // 2)), bargap=0.4,
        margin={"l": 10, "r": 26, "t": 10, "b": 10},  # room for the "100%" tick at the right edge
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "font": {"size": 12},
                "traceorder": "normal"},
    ))
    fig.update_xaxes(range=[0, 100.01], **PERCENT_TICKS, gridcolor=GRID, zeroline=False, automargin=True)
    # automargin: with the fixed 10 px margin the group names were cut to their last letter
    fig.update_yaxes(categoryorder="array", categoryarray=[wrap(g, 22) for g in groups], autorange="reversed",
                     automargin=True, ticksuffix=" ")
    return fig


def breakdown(panels: list[tuple[str, pd.DataFrame, dict[str, str]]], percent: bool, threshold: int = 0) -> Figure:
    """Side-by-side panels (e.g. personas, trajectories) of stacked columns per group, each with its own legend."""
    n = len(panels)
    gap = 0.1
    width = (1 - gap * (n - 1)) / n
    legend_rows = max(sum(wrap(name, LEGEND_WRAP).count("<br>") * 0.75 + 1 for name in colours)
                      for _, _, colours in panels)
    plot_px, top, bottom = 250, 34, 46 + round(LEGEND_ROW_PX * legend_rows)
    fig = Figure()
    layout = base_layout(barmode="stack", height=plot_px + top + bottom, bargap=0.35,
                         margin={"l": 10, "r": 10, "t": top, "b": bottom})
    for i, (title, long, colours) in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        left = i * (width + gap)
        fig.add_traces(_bars(long, colours, percent, "v", threshold, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                             legend=f"legend{suffix}"))
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}",
                                    "tickfont": {"size": 12}}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "gridcolor": GRID, "zeroline": False,
                                    "automargin": True,
                                    **({"range": [0, 100.01], **PERCENT_TICKS} if percent else {"tickformat": ",d"})}
        layout[f"legend{suffix}"] = {"x": left, "xanchor": "left", "y": -40 / plot_px, "yanchor": "top",
                                     "orientation": "v", "font": {"size": 12}, "traceorder": "reversed"}
        fig.add_annotation(text=f"<b>{title}</b>", x=left, xref="paper", xanchor="left", y=1, yref="paper",
                           yanchor="bottom", yshift=8, showarrow=False, font={"size": 13})
    fig.update_layout(layout)
    return fig


def keyed(fig: Figure, key: str) -> Figure:
    """A breakdown whose group is chosen in its panel: each bar's customdata ends with the group's filter key, so
    a click says which filter it sets."""
    for item in fig.data:
        item["customdata"] = [list(c) + [key] for c in item.customdata]
    return fig


def score_boxes(stats: pd.DataFrame, colours: dict[str, str], label: str) -> Figure:
    """Horizontal boxes drawn from precomputed quartiles (one row per persona); clicking one filters to it."""
    fig = Figure()
    for row in stats.itertuples(index=False):
        if not row.n:
            continue
        fig.add_trace(trace("box", 
            y=[wrap(row.persona, 22)], q1=[row.q1], median=[row.median], q3=[row.q3], lowerfence=[row.low],
            upperfence=[row.high], mean=[row.mean], name=wrap(row.persona, 22), orientation="h",
            marker={"color": colours[row.persona]}, line={"width": 1.5},
            fillcolor=_alpha(colours[row.persona], 0.25), boxmean=True, showlegend=False,
            customdata=[row.persona], hoverinfo="x+name",
        ))
    fig.update_layout(base_layout(height=max(300, 62 * len(stats) + 60), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                                  clickmode="event"))
    # the title stands off the ticks and the margin grows to hold both, else the title sits on the tick labels
    fig.update_xaxes(title={"text": label, "font": {"size": 12, "color": MUTED}, "standoff": 8}, gridcolor=GRID,
                     zeroline=False, automargin=True)
    fig.update_yaxes(autorange="reversed", automargin=True, ticksuffix=" ")
    return fig
