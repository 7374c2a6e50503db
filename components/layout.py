"""The page: navbar, upload and settings, KPIs, persona/trajectory sections, breakdowns and the student table."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from .figures import empty
from .filters import filter_bar
from .insights import insights_section
from .map import map_section
from .outliers import outlier_body
from .profile import profile_panel
from .risk import risk_section
from .table import grid, toolbar
from .theme import GRAPH_CONFIG
from .upload import upload_card

PERSONA_RANGE = range(2, 9)
DEFAULT_PERSONAS = 5


def graph(graph_id: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, figure=empty(), config=GRAPH_CONFIG), type="dot", delay_show=300,
                       color="#2563eb", overlay_style={"visibility": "visible", "opacity": 0.45})


def panel(title: str, body, subtitle: str | None = None, tools=None, card_id: str | None = None,
          caption_id: str | None = None) -> dbc.Card:
    head = html.Div([html.Div([html.H3(title, className="panel-title"),
                               html.Div(subtitle, className="panel-subtitle") if subtitle else None]),
                     html.Div(tools, className="panel-tools") if tools is not None else None], className="panel-head")
    caption = html.Div(id=caption_id, className="panel-caption") if caption_id else None
    return dbc.Card(dbc.CardBody([head, body, caption]), className="section-card h-100",
                    **({"id": card_id} if card_id else {}))


def section_title(title: str, icon: str, tools=None) -> html.Div:
    return html.Div([html.H2([html.I(className=f"bi bi-{icon} me-2"), title], className="section-title"),
                     html.Div(tools) if tools is not None else None], className="section-head")


def navbar() -> dbc.Navbar:
    return dbc.Navbar(dbc.Container([
        html.A([html.Span(html.I(className="bi bi-compass"), className="brand-mark"),
                html.Span("Cohort Atlas", className="brand-name"),
                html.Span("student personas & trajectories", className="brand-tag d-none d-md-inline")],
               href="#", className="navbar-brand d-flex align-items-center"),
        html.Div([html.I(className="bi bi-file-earmark-spreadsheet me-2"), html.Span(id="navbar-dataset")],
                 className="navbar-dataset"),
    ], fluid="xl"), className="app-navbar", dark=True)


def settings_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.Div("Number of personas", className="settings-label", id="persona-count-label"),
        dbc.RadioItems(id="persona-count", value=DEFAULT_PERSONAS, inline=True,
                       options=[{"label": str(k), "value": k} for k in PERSONA_RANGE],
                       className="btn-group persona-count", inputClassName="btn-check",
                       labelClassName="btn btn-outline-primary", labelCheckedClassName="active"),
        html.Div("K-Means groups students on 8 themes (study, attendance, prior scores, motivation, resources, "
                 "family, wellbeing, environment). Trajectories group previous vs exam score.",
                 className="settings-help"),
        html.Hr(className="my-3"),
        html.Div("Showing", className="settings-label"),
        html.Div(id="dataset-summary", className="dataset-summary"),
    ]), className="section-card h-100")


def persona_section() -> html.Div:
    radar_tools = dbc.Select(id="radar-persona", options=[{"label": "All personas", "value": "all"}], value="all",
                             size="sm", className="radar-select")
    return html.Div([
        section_title("Personas", "people"),
        dbc.Row([
            dbc.Col(panel("Persona sizes", graph("persona-donut"), "Share of students in each persona"), lg=4,
                    className="mb-4"),
            dbc.Col(panel("Who the personas are", html.Div(id="persona-list"),
                          "Ordered by mean exam score, highest first"), lg=8, className="mb-4"),
        ]),
        dbc.Row([
            dbc.Col(panel("Persona profiles", graph("persona-radar"),
                          "Average theme score; 0 = cohort average, rings are standard deviations",
                          tools=radar_tools), lg=6, className="mb-4"),
            dbc.Col(panel("Exam scores by persona", html.Div([html.Div(graph("score-distribution"), id="score-graph"),
                                                              html.Div(id="score-note")]),
                          "Box = middle half of students, line = median, dashed = mean"), lg=6, className="mb-4"),
        ]),
    ], id="persona-section")


def trajectory_section() -> html.Div:
    return html.Div([
        section_title("Academic trajectories", "graph-up-arrow"),
        dbc.Row([
            dbc.Col(panel("Trajectory sizes", html.Div([graph("trajectory-donut"), html.Div(id="trajectory-list")]),
                          "Previous score vs exam score, strongest first"), lg=5, className="mb-4"),
            dbc.Col(panel("Personas inside each trajectory",
                          html.Div([html.Div(graph("trajectory-mix"), id="trajectory-mix-graph"),
                                    html.Div(id="trajectory-mix-note")]),
                          "Which personas make up each trajectory", caption_id="trajectory-mix-caption"),
                    lg=7, className="mb-4"),
        ]),
    ], id="trajectory-section")


def breakdown_section() -> html.Div:
    mode = dbc.RadioItems(id="breakdown-mode", value="percent", inline=True,
                          options=[{"label": "Counts", "value": "count"}, {"label": "Percent", "value": "percent"}],
                          className="btn-group btn-group-sm", inputClassName="btn-check",
                          labelClassName="btn btn-outline-primary btn-sm", labelCheckedClassName="active")
    return html.Div([
        section_title("Breakdowns", "bar-chart", tools=mode),
        dbc.Row([
            dbc.Col(panel("By gender", html.Div([html.Div(graph("gender-breakdown"), id="gender-graph"),
                                                 html.Div(id="gender-note")]), caption_id="gender-caption"),
                    lg=6, className="mb-4"),
            dbc.Col(panel("By school type", html.Div([html.Div(graph("school-breakdown"), id="school-graph"),
                                                      html.Div(id="school-note")]), caption_id="school-caption"),
                    lg=6, className="mb-4"),
        ]),
    ], id="breakdown-section")


def outlier_section() -> html.Div:
    return html.Div([
        section_title("Unusual profiles", "exclamation-diamond"),
        dbc.Card(dbc.CardBody(outlier_body()), className="section-card mb-5"),
    ], id="outlier-section")


def table_section() -> html.Div:
    return html.Div([
        section_title("Students", "table"),
        dbc.Card(dbc.CardBody([toolbar(), grid()]), className="section-card mb-5"),
    ], id="table-section")


def layout(default_dataset: str, upload_url: str, max_bytes: int) -> html.Div:
    return html.Div([
        navbar(),
        dbc.Container([
            html.Div([
                html.H1("Understand your cohort at a glance", className="hero-title"),
                html.P("Upload a student table to group students into personas and academic trajectories, "
                       "and see how they split by gender and school type. Files stay on this server.",
                       className="hero-lead"),
            ], className="hero"),
            dbc.Row([
                dbc.Col(upload_card(upload_url, max_bytes), lg=8, className="mb-4"),
                dbc.Col(settings_card(), lg=4, className="mb-4"),
            ]),
            html.Div(id="dashboard-error"),
            html.Div(id="skipped-alerts"),
            filter_bar(),
            dbc.Row(id="kpi-row", className="mb-2"),
            risk_section(),
            insights_section(),
            map_section(),
            persona_section(),
            trajectory_section(),
            breakdown_section(),
            outlier_section(),
            table_section(),
            html.Footer("Cohort Atlas · open source · clusters are descriptive groupings, not labels for students",
                        className="app-footer"),
        ], fluid="xl", className="app-body"),
        profile_panel(),
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="dataset-id", data=default_dataset),
        dcc.Store(id="uploaded"),  # what the last upload stored; the view-state callback switches to it
        dcc.Store(id="view"),
        dcc.Store(id="filters", data={}),
        dcc.Store(id="student"),  # 0-based data row of the student whose profile is open
    ])
