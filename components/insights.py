"""The insights panel (six sections for the current view, which engine wrote them, the figures beside them)
and the ask-your-data box with its conversation."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .figures import pretty

EXAMPLES = ["How many girls in public schools are in the weakest trajectory?",
            "Which persona has the lowest attendance?", "Average exam score by parental involvement"]


def insights_section() -> html.Div:
    return html.Div([
        html.Div([html.H2([html.I(className="bi bi-lightbulb me-2"), "What this view says"],
                          className="section-title"),
                  html.Span(id=ids.INSIGHTS_ENGINE, className="badge rounded-pill text-bg-light")],
                 className="section-head"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody(dcc.Loading(html.Div(id=ids.INSIGHTS_BODY), type="dot", delay_show=300)),
                             className="section-card h-100"), lg=8, className="mb-4"),
            dbc.Col(dbc.Card(dbc.CardBody([html.H3("The figures behind it", className="panel-title"),
                                           html.Div(id=ids.INSIGHTS_FACTS)]), className="section-card h-100"),
                    lg=4, className="mb-4"),
        ]),
        dbc.Card(dbc.CardBody(ask_body()), className="section-card mb-4"),
        dcc.Store(id=ids.ASK_HISTORY, storage_type="session", data=[]),
    ], id=ids.INSIGHTS_SECTION)


def ask_body() -> list:
    return [
        html.Div([html.H3("Ask your data", className="panel-title"),
                  html.Div("Plain-language questions about the students in view; every answer shows the table it "
                           "was computed from", className="panel-subtitle")], className="panel-head"),
        html.Label("Your question", htmlFor=ids.ASK_INPUT, className="visually-hidden"),
        dbc.InputGroup([dbc.Input(id=ids.ASK_INPUT, placeholder=EXAMPLES[0], debounce=False, maxLength=300),
                        dbc.Button("Ask", id=ids.ASK_BUTTON, color="primary")], className="mb-2"),
        html.Div([html.Span("Try: ", className="text-muted me-1")]
                 + [dbc.Button(q, id={"type": ids.ASK_EXAMPLE, "index": i}, color="link", size="sm",
                               className="p-0 me-3") for i, q in enumerate(EXAMPLES)], className="mb-3 small"),
        dcc.Loading(html.Div(id=ids.ASK_LOG), type="dot", delay_show=300),
    ]


def engine_badge(engine: str, model: str | None, note: str) -> list:
    label = f"Written by Gemini ({model})" if engine == "gemini" else "Written by the built-in engine from the figures"
    return [label] + ([html.Span(f" · {note}", className="text-muted")] if note else [])


def sections(content: dict, titles: dict, order: list[str]) -> list:
    blocks = []
    for key in order:
        lines = content.get(key) or []
        text = dcc.Markdown("\n".join(f"- {line}" for line in lines), dangerously_allow_html=False,
                            className="insight-text")
        blocks.append(html.Div([html.H4(titles[key], className="profile-h"), text], className="insight-block",
                               id=ids.insight(key)))
    names = content.get("persona_names") or []
    if names:
        blocks.append(html.Div([html.H4("Suggested persona names", className="profile-h"),
                                html.Ul([html.Li([html.Span(n["persona"]), " → ", html.Strong(n["suggested_name"])])
                                         for n in names])], className="insight-block"))
    return [html.Div(blocks, className="insight-grid")]


def facts_table(facts: dict) -> list:
    rows = [("Students in view", f"{facts['students']:,} of {facts['total']:,}")]
    if facts.get("mean_exam") is not None:
        rows.append((f"Mean {facts['exam_label']}", f"{facts['mean_exam']:.1f}"))
    for p in facts.get("personas", []):
        score = "" if p["mean_exam"] is None else f", mean {p['mean_exam']:.1f}"
        rows.append((p["name"], f"{p['students']:,} ({p['share']:.0%}){score}"))
    for g in facts.get("gaps", [])[:4]:
        rows.append((f"{g['a']} vs {g['b']}", f"{g['difference']:+.1f} ({g['low']:+.1f} to {g['high']:+.1f}), "
                                              f"p = {g['p_value']:.2g}, d = {g['effect_size']:.2f}"))
    if facts.get("suppressed"):
        rows.append(("Groups left out", f"{facts['suppressed']} under {facts['min_group']} students"))
    # every cell is a part (ids.INSIGHTS_FACT_PART): a click over the same rows rewrites their texts in place
    cells = [html.Tr([html.Th(k, id={"type": ids.INSIGHTS_FACT_PART, "part": f"{i}-label"}),
                      html.Td(v, id={"type": ids.INSIGHTS_FACT_PART, "part": f"{i}-value"})])
             for i, (k, v) in enumerate(rows)]
    return [dbc.Table(html.Tbody(cells), size="sm",
                      className="quality-table facts-table", id=ids.INSIGHTS_FACTS_TABLE)]


def conversation(history: list[dict]) -> list:
    items = []
    for turn in reversed(history):
        table = turn.get("table") or []
        columns = list(table[0]) if table else []
        grid = dbc.Table([html.Thead(html.Tr([html.Th(pretty(c)) for c in columns])),
                          html.Tbody([html.Tr([html.Td(_cell(r[c])) for c in columns]) for r in table[:30]])],
                         size="sm", className="quality-table ask-table") if table else None
        students = turn.get("students") or []
        listing = html.Div(f"Rows: {', '.join(str(s) for s in students[:200])}"
                           + (" …" if len(students) > 200 else ""), className="panel-caption") if students else None
        items.append(html.Div([
            html.Div([html.I(className="bi bi-person me-2"), turn["question"]], className="ask-question"),
            html.Div([dcc.Markdown(turn["answer"], dangerously_allow_html=False, className="ask-answer"),
                      html.Div(("Gemini" if turn["engine"] == "gemini" else "Built-in parser")
                               + (f" · {turn['note']}" if turn.get("note") else ""), className="panel-caption"),
                      grid, listing]),
        ], className="ask-turn"))
    return items


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
