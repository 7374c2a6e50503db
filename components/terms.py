"""The Over time section: "Add a term" in the upload card, the Sankey of persona moves between terms, joined and
left, each subject's means or below-mark shares per group across terms, and a student's line on the profile card."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import dcc, html

from . import ids
from .figures import empty, wrap
from .plot import Figure, trace
from .theme import GRID, MUTED, PERSONA_COLOURS, base_layout

MAX_LISTED = 300  # ids listed under Joined / Left; the count above is every one
REFERENCE = "#0f766e"
GROUP_COLOURS = ["#2563eb", "#f97316", "#10b981", "#8b5cf6", "#e11d48", "#0891b2", "#64748b", "#eab308"]


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def add_term_control() -> html.Div:
    """Beside the main upload: the next term's export of the same pupils, linked to the dataset in view."""
    return html.Div([
        dcc.Upload(html.Button([html.I(className="bi bi-plus-circle me-1", **{"aria-hidden": "true"}),
                                "Add a term"], className="btn btn-outline-primary btn-sm", type="button"),
                   id=ids.TERM_UPLOAD, accept=".csv,.tsv,.txt,.xlsx,.xlsm", multiple=False,
                   className="term-upload d-inline-block"),
        html.Span("The next term's export of the same students (linked by student id, such as UPN); see Over time.",
                  className="small text-muted ms-2"),
        html.Div(id=ids.TERM_STATUS, className="mt-2", **{"aria-live": "polite"}),
    ], className="term-box mt-3", **{"data-control-label": "Add a term: the next term's file of these students"})


def _select(control: str, label: str, options=None, value=None):
    return html.Div([html.Label(label, htmlFor=control, className="settings-label me-2"),
                     dbc.Select(id=control, options=options or [], value=value, size="sm",
                                className="radar-select")], className="d-flex align-items-center me-3 mb-2")


def terms_progress() -> html.Div:
    """The linking job's bar: with the other jobs' bars, on every tab (the job goes on when the tab closes)."""
    return html.Div(html.Div(dbc.Progress(value=100, striped=True, animated=True, label="Linking the terms…",
                                          className="flex-grow-1 job-progress", style={"height": "1.25rem"}),
                             className="d-flex align-items-center mb-3"),
                    id=ids.TERMS_PROGRESS, style={"display": "none"}, **{"data-control-label": "Linking the terms"})


def over_time_section(graph, panel, section_title) -> html.Div:
    """The section; `graph`, `panel` and `section_title` are the layout's own helpers, so it looks like the rest."""
    measure = dbc.RadioItems(id=ids.TERMS_MEASURE, value="mean", inline=True,
                             options=[{"label": "Mean", "value": "mean"},
                                      {"label": "At risk (below the mark)", "value": "below"}],
                             className="btn-group btn-group-sm", inputClassName="btn-check",
                             labelClassName="btn btn-outline-primary btn-sm", labelCheckedClassName="active")
    controls = html.Div([_select(ids.TERMS_SUBJECT, "Subject"), _select(ids.TERMS_GROUP, "Grouped by", [{"label": "Everyone", "value": "all"}], "all"),
                         html.Div(measure, className="mb-2")], className="d-flex flex-wrap align-items-center")
    return html.Div([
        section_title("Over time", "calendar-range"),
        html.Div(id=ids.TERMS_SUMMARY),
        dbc.Row([
            dbc.Col(panel("Persona moves between terms",
                          html.Div([graph(ids.TERMS_SANKEY), html.Div(id=ids.TERMS_SANKEY_NOTE)]),
                          "The first term's personas applied to every later term without refitting, so a move "
                          "means the student's own data changed. Click a link to filter to the students who "
                          "made that move."), lg=7, className="mb-4"),
            dbc.Col(panel("Joined and left", html.Div(id=ids.TERMS_MOVERS),
                          "Student ids not in every term's file"), lg=5, className="mb-4"),
        ]),
        dbc.Card(dbc.CardBody([
            html.H3("Subjects across terms", className="panel-title"),
            html.Div("Mean points, or the share at risk (below the first term's mark), per group and term with 95% "
                     "intervals; the reference band shows when a reference is loaded (Benchmarks). Click a "
                     "point to filter to that group.", className="panel-subtitle mb-2"),
            controls, graph(ids.OVER_TIME_CHART), html.Div(id=ids.OVER_TIME_NOTE)]),
            className="section-card mb-5"),
    ], id=ids.TERMS_SECTION)


def summary_row(files: list[str], rows: list[int], linked: int, joined: int, left: int, duplicates: int):
    terms = " → ".join(f"T{k + 1} {name} ({n:,})" for k, (name, n) in enumerate(zip(files, rows)))
    tiles = [("Terms", f"{len(files)}"), ("In every term", f"{linked:,}"), ("Joined", f"{joined:,}"),
             ("Left", f"{left:,}")]
    out = [html.Div([html.Div([html.Div(label, className="settings-label"), html.Div(value, className="fs-4 fw-semibold")],
                              className="me-4") for label, value in tiles], className="d-flex flex-wrap mb-1"),
           html.Div(terms, className="table-count mb-3")]
    if duplicates:
        out.insert(1, html.Div(f"{duplicates:,} student id(s) appear on more than one row of a term and are left "
                               "out of linking (see the note under the Sankey).", className="small text-muted"))
    return html.Div(out, id="terms-summary-body")


def sankey(steps: list[list[dict]], names: list[str], terms: int, selected: str | None = None) -> Figure:
    """Persona nodes per term (columns), links = students moving from one to the next. A link's customdata is
    its move ("step:from>to", the filter value); the selected move stands out and the rest fade."""
    colour = {name: PERSONA_COLOURS[i % len(PERSONA_COLOURS)] for i, name in enumerate(names)}
    order = {name: i for i, name in enumerate(names)}
    links = [(step, move) for step, moves in enumerate(steps)
             for move in sorted(moves, key=lambda m: (order.get(m["from"], 99), order.get(m["to"], 99)))
             if move["from"] in order and move["to"] in order]
    # only nodes with a link: Plotly places each in the column of its term from the links themselves
    used = sorted({(s, m["from"]) for s, m in links} | {(s + 1, m["to"]) for s, m in links},
                  key=lambda n: (n[0], order[n[1]]))
    node = {key: i for i, key in enumerate(used)}
    labels = [wrap(name, 22) if k == 0 else "" for k, name in used]
    colours = [colour[name] for _, name in used]
    custom = [f"T{k + 1} {name}" for k, name in used]
    source, target, value, link_colour, link_custom, hover = [], [], [], [], [], []
    for step, move in links:
        key = f"{step + 1}:{move['from']}>{move['to']}"
        source.append(node[(step, move["from"])])
        target.append(node[(step + 1, move["to"])])
        value.append(move["count"])
        strong = selected is None or selected == key
        link_colour.append(_alpha(colour[move["from"]], 0.55 if strong and selected else 0.35 if strong else 0.08))
        link_custom.append(key)
        stay = "stayed" if move["from"] == move["to"] else "moved"
        hover.append(f"T{step + 1} {move['from']} → T{step + 2} {move['to']}: {move['count']:,} {stay}")
    fig = Figure(trace("sankey", arrangement="snap", valueformat=",d",
                       node={"label": labels, "color": colours, "pad": 12, "thickness": 14,
                             "customdata": custom, "hovertemplate": "%{customdata}: %{value:,} students<extra></extra>",
                             "line": {"color": "white", "width": 1}},
                       link={"source": source, "target": target, "value": value, "color": link_colour,
                             "customdata": link_custom, "label": hover,
                             "hovertemplate": "%{label}<extra></extra>"}))
    fig.update_layout(base_layout(height=max(340, 80 * len(names)), margin={"l": 10, "r": 10, "t": 28, "b": 24}))
    for k in range(terms):
        fig.add_annotation(text=f"T{k + 1}", x=k / max(terms - 1, 1), y=1, yanchor="bottom", xref="paper",
                           yref="paper", showarrow=False, font={"color": MUTED, "size": 12},
                           xanchor="left" if k == 0 else "right" if k == terms - 1 else "center")
    return fig


def moves_table(steps: list[list[dict]]) -> html.Table:
    """The Sankey's links as a table for screen readers (a drawing says nothing to them): every move between
    consecutive terms with its number of students."""
    rows = [html.Tr([html.Td(f"T{step + 1} → T{step + 2}"), html.Td(move["from"]), html.Td(move["to"]),
                     html.Td(f"{move['count']:,}")])
            for step, moves in enumerate(steps) for move in moves]
    return html.Table([html.Caption("Persona moves between terms"),
                       html.Thead(html.Tr([html.Th("Terms", scope="col"), html.Th("From persona", scope="col"),
                                           html.Th("To persona", scope="col"), html.Th("Students", scope="col")])),
                       html.Tbody(rows)], className="visually-hidden", id=ids.TERMS_MOVES_TABLE)


def movers(table_joined: pd.DataFrame, table_left: pd.DataFrame) -> html.Div:
    def block(title: str, frame: pd.DataFrame, what: str):
        shown = frame.head(MAX_LISTED)
        body = (html.Table([html.Thead(html.Tr([html.Th(c) for c in shown.columns])),
                            html.Tbody([html.Tr([html.Td(str(v)) for v in rec]) for rec in shown.itertuples(index=False)])],
                           className="table table-sm movers-table") if len(shown) else html.Div("None.", className="small"))
        more = (html.Div(f"and {len(frame) - MAX_LISTED:,} more", className="small text-muted")
                if len(frame) > MAX_LISTED else None)
        return html.Details([html.Summary(f"{title}: {len(frame):,} students ({what})"), body, more],
                            className="mb-2", id=f"terms-{title.lower()}")
    return html.Div([block("Joined", table_joined, "not in the first term's file"),
                     block("Left", table_left, "in an earlier term but not in the last")])


def over_time(table: pd.DataFrame, term_labels: list[str], measure: str, group_key: str | None,
              selected: list[str] | None = None, bands: list[dict] | None = None, mark_text: str = "") -> Figure:
    """A line per group across terms with 95% interval whiskers; `bands` (reference figures: label, value,
    low, high) are drawn as horizontal bands. customdata = [filter key or None, group]."""
    if table.empty:
        return empty("No marks for this subject in any term.")
    chosen = set(selected or [])
    fig = Figure()
    for i, (group, part) in enumerate(table.groupby("group", sort=False)):
        part = part.sort_values("term")
        shown = part[part["value"].notna()]
        colour = GROUP_COLOURS[i % len(GROUP_COLOURS)]
        faded = bool(chosen) and group not in chosen
        fig.add_trace(trace(
            "scatter", mode="lines+markers", name=str(group),
            x=[term_labels[t] for t in shown["term"]], y=shown["value"].round(3).tolist(),
            error_y={"type": "data", "symmetric": False,
                     "array": (shown["high"] - shown["value"]).fillna(0).round(3).tolist(),
                     "arrayminus": (shown["value"] - shown["low"]).fillna(0).round(3).tolist(),
                     "color": colour, "thickness": 1.2, "width": 4},
            line={"color": _alpha(colour, 0.25) if faded else colour, "width": 2.5},
            marker={"size": 8, "color": _alpha(colour, 0.25) if faded else colour},
            customdata=[[group_key, str(group)] for _ in range(len(shown))],
            hovertemplate=[f"<b>{group}</b> · {term_labels[t]}<br>{_number(v, measure)} "
                           f"(95% {_number(lo, measure)} to {_number(hi, measure)})<br>{n:,} students<extra></extra>"
                           for t, v, lo, hi, n in zip(shown["term"], shown["value"], shown["low"], shown["high"],
                                                      shown["n"])]))
    for band in bands or []:
        fig.add_trace(trace("scatter", mode="lines", name=f"Reference: {band['label']}", x=term_labels,
                            y=[band["value"]] * len(term_labels), hoverinfo="skip",
                            line={"color": REFERENCE, "dash": "dash", "width": 1.5}))
        if band.get("low") is not None:
            fig.update_layout(shapes=(fig["layout"].get("shapes") or []) + [
                {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "y0": band["low"], "y1": band["high"],
                 "fillcolor": _alpha(REFERENCE, 0.12), "line": {"width": 0}, "layer": "below"}])
    title = "Mean points" if measure == "mean" else f"% at risk: below {mark_text}".strip()
    fig.update_layout(base_layout(height=360, margin={"l": 10, "r": 10, "t": 10, "b": 40},
                                  legend={"orientation": "h", "y": -0.18}, hovermode="closest"))
    fig.update_yaxes(title={"text": title, "font": {"size": 12, "color": MUTED}}, gridcolor=GRID, automargin=True)
    fig.update_xaxes(type="category", automargin=True)
    return fig


def _number(value, measure: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return f"{value:.1f}%" if measure == "below" else f"{value:.1f}"


def student_line(line: pd.DataFrame, subjects: list[str]) -> html.Div:
    """The profile card's block: the student's persona each term and their points per subject across terms."""
    personas = html.Div([html.Span(f"{row.label}: {row.persona or 'not in this term'}",
                                   className="profile-badge profile-badge-muted me-1")
                         for row in line.itertuples()], className="mb-2")
    fig = Figure()
    for i, subject in enumerate(subjects):
        if subject in line and line[subject].notna().any():
            fig.add_trace(trace("scatter", mode="lines+markers", name=subject, x=line["label"].tolist(),
                                y=[None if np.isnan(v) else float(v) for v in line[subject]],
                                line={"color": GROUP_COLOURS[i % len(GROUP_COLOURS)]}, connectgaps=False,
                                hovertemplate=f"{subject} %{{x}}: %{{y}}<extra></extra>"))
    fig.update_layout(base_layout(height=220, margin={"l": 10, "r": 10, "t": 10, "b": 30},
                                  legend={"orientation": "h", "y": -0.25}))
    fig.update_xaxes(type="category")
    fig.update_yaxes(gridcolor=GRID, automargin=True)
    return html.Div([html.H4("Across terms", className="profile-h"), personas,
                     dcc.Graph(figure=fig, config={"displayModeBar": False}, id="profile-terms-chart")],
                    id="profile-terms-body")
