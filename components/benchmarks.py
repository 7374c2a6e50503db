"""The Benchmarks section: load reference figures (or the bundled example), the school against them per subject
and group with 95 % intervals, the disadvantaged gap against the reference gap, and what was skipped and why."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .figures import empty, wrap
from .plot import Figure, trace
from .theme import GRID, MUTED, base_layout

SCHOOL, REFERENCE = "#2563eb", "#0f766e"
MEASURES = {"mean": "mean", "pct_grade4_plus": "% grade 4+", "pct_grade5_plus": "% grade 5+",
            "pct_grade7_plus": "% grade 7+", "absence_rate": "absence rate %",
            "pct_persistent_absence": "% persistently absent"}
EXAMPLE_LABEL = "Use the example: England, key stage 4, 2022/23 (DfE)"


def measure_label(measure: str) -> str:
    if measure in MEASURES:
        return MEASURES[measure]
    return f"% at least {measure.removeprefix('pct_at_least_')}" if measure.startswith("pct_at_least_") else measure


def benchmark_section(panel, section_title) -> html.Div:
    reference_upload = html.Div(dcc.Upload(
        html.Button([html.I(className="bi bi-upload me-1", **{"aria-hidden": "true"}), "Load a reference CSV"],
                    className="btn btn-outline-primary btn-sm", type="button"),
        id=ids.BENCH_UPLOAD, accept=".csv,.txt", multiple=False), className="d-inline-block me-2",
        **{"data-control-label": "Load a reference CSV"})
    load = html.Div([
        reference_upload,
        dbc.Button(EXAMPLE_LABEL, id=ids.BENCH_EXAMPLE, color="link", size="sm", className="me-2"),
        dbc.Button("Clear", id=ids.BENCH_CLEAR, color="link", size="sm", className="text-muted"),
    ], className="d-flex flex-wrap align-items-center mb-2")
    help_text = ("A reference is a CSV of published figures: columns subject (or measure), group, year, value, and "
                 "optionally n and source. It is kept on this server for this dataset and your school. National "
                 "figures are for whole cohorts, so this section compares every student in the file (the filters "
                 "do not apply).")
    return html.Div([
        section_title("Benchmarks", "flag"),
        dbc.Card(dbc.CardBody([
            html.Div(help_text, className="panel-subtitle mb-2"), load,
            html.Div(id=ids.BENCH_STATUS, **{"aria-live": "polite"}),
            dbc.Row([
                dbc.Col(panel("School against the reference", html.Div(id=ids.BENCH_CHART),
                              "Dot = the school with its 95% interval; diamond = the reference"), lg=6, className="mb-3"),
                dbc.Col(panel("Disadvantaged gap", html.Div(id=ids.BENCH_GAPS),
                              "Disadvantaged minus the other pupils, in the school and in the reference"),
                        lg=6, className="mb-3"),
            ], className="mt-2"),
            html.Div(id=ids.BENCH_TABLE), html.Div(id=ids.BENCH_SKIPPED),
        ]), className="section-card mb-5"),
    ], id=ids.BENCH_SECTION)


def _fmt(value, percent: bool, sign: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text + ("%" if percent and not sign else " pts" if percent else "")


def chart(rows: list[dict]):
    """School (dot, 95% whiskers) and reference (diamond) per row; percentages and means on their own axes."""
    shown = [r for r in rows if r["school"] is not None]
    if not shown:
        return dcc.Graph(figure=empty("No figure of the reference could be compared with this file."),
                         id=ids.BENCH_CHART + "-graph", config={"displayModeBar": False})
    kinds = [k for k in ("percent", "mean") if any((r["measure"] != "mean") == (k == "percent") for r in shown)]
    fig = Figure()
    height = 60
    for i, kind in enumerate(kinds):
        part = [r for r in shown if (r["measure"] != "mean") == (kind == "percent")]
        axis = "" if i == 0 else str(i + 1)
        labels = [wrap(f"{r['subject']} · {measure_label(r['measure'])} · {r['group']}", 34) for r in part]
        fig.add_trace(trace("scatter", mode="markers", name="School", x=[r["school"] for r in part], y=labels,
                            xaxis=f"x{axis}", yaxis=f"y{axis}", marker={"color": SCHOOL, "size": 10},
                            showlegend=i == 0, legendgroup="school",
                            error_x={"type": "data", "symmetric": False,
                                     "array": [(r["high"] - r["school"]) if r["high"] is not None else 0 for r in part],
                                     "arrayminus": [(r["school"] - r["low"]) if r["low"] is not None else 0 for r in part],
                                     "color": SCHOOL, "thickness": 1.5},
                            hovertemplate="School %{x:.1f}<extra>%{y}</extra>"))
        fig.add_trace(trace("scatter", mode="markers", name="Reference", x=[r["reference"] for r in part], y=labels,
                            xaxis=f"x{axis}", yaxis=f"y{axis}", showlegend=i == 0, legendgroup="reference",
                            marker={"color": REFERENCE, "size": 11, "symbol": "diamond"},
                            hovertemplate="Reference %{x:.1f}<extra>%{y}</extra>"))
        height += 46 * len(part) + 40
    fig.update_layout(base_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 30},
                                  legend={"orientation": "h", "y": -0.08}))
    share = 1 / len(kinds)
    for i, kind in enumerate(kinds):
        suffix = "" if i == 0 else str(i + 1)
        top, bottom = 1 - i * share, 1 - (i + 1) * share + (0.12 if i + 1 < len(kinds) else 0)
        fig.update_layout({f"yaxis{suffix}": {"domain": [bottom, top], "automargin": True, "autorange": "reversed",
                                              "anchor": f"x{suffix}"},
                           f"xaxis{suffix}": {"anchor": f"y{suffix}", "gridcolor": GRID,
                                              "title": {"text": "Percent" if kind == "percent" else "Mean",
                                                        "font": {"size": 12, "color": MUTED}}}})
    return dcc.Graph(figure=fig, id=ids.BENCH_CHART + "-graph", config={"displayModeBar": False})


def table(rows: list[dict], terms: list[str], per_term: dict, min_group: int) -> html.Div:
    """Every compared row: the school (and each term's school, when the dataset has terms), the reference, the
    difference, the interval, n, and where the figure comes from."""
    head = ["Subject", "Measure", "Group", "Year", "School", "95% interval", "n", *terms, "Reference", "Difference",
            "Source"]
    body = []
    for r in rows:
        pct = r["measure"] != "mean"
        interval = (f"fewer than {min_group}" if r["suppressed"] else
                    f"{_fmt(r['low'], False)} to {_fmt(r['high'], False)}" if r["low"] is not None else "–")
        cells = [r["subject"], measure_label(r["measure"]), r["group"], r["year"], _fmt(r["school"], pct), interval,
                 "" if r["n"] is None else f"{r['n']:,}",
                 *[_fmt(per_term.get((k, r["row"])), pct) for k in range(len(terms))],
                 _fmt(r["reference"], pct), _fmt(r["difference"], pct, True),
                 html.Span(r["source"][:70] + ("…" if len(r["source"]) > 70 else ""), title=r["source"])]
        body.append(html.Tr([html.Td(c) for c in cells]))
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                               className="table table-sm bench-table", id=ids.BENCH_TABLE + "-rows"),
                    className="table-responsive")


def gaps(items: list[dict]) -> html.Div:
    if not items:
        return html.Div("The reference has no disadvantaged and not-disadvantaged pair that this file can answer.",
                        className="chart-note")
    rows = []
    for g in items:
        pct = g["measure"] != "mean"
        interval = ("–" if g["low"] is None else f"{g['low']:+.1f} to {g['high']:+.1f}")
        rows.append(html.Tr([html.Td(f"{g['subject']} · {measure_label(g['measure'])} ({g['year']})"),
                             html.Td(_fmt(g["school_gap"], pct, True)), html.Td(interval),
                             html.Td(_fmt(g["reference_gap"], pct, True)), html.Td(_fmt(g["difference"], pct, True))]))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in ("Measure", "School gap", "95% interval",
                                                                  "Reference gap", "School minus reference")])),
                       html.Tbody(rows)], className="table table-sm", id=ids.BENCH_GAPS + "-rows")


def skipped(items: list[dict], warnings: list[str]):
    if not items and not warnings:
        return None
    lines = [html.Li(f"Row {s['row']} ({s['subject']}, {measure_label(s['measure'])}, {s['group']}): {s['reason']}")
             for s in items]
    lines += [html.Li(w) for w in warnings]
    return dbc.Alert([html.Div(f"Not compared: {len(items)} row(s) of the reference", className="fw-semibold"),
                      html.Ul(lines, className="mb-0 small")], color="warning", className="mt-2",
                     id=ids.BENCH_SKIPPED + "-list")
