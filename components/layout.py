"""The page: a shell every tab shares (navbar, tab bar, upload and settings, filter bar, KPIs, the student card
and the stores) and one small function per tab listing its sections. Only the open tab is in the page."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics import defaults

from . import ids
from .admin import admin_section
from .cards import section_title
from .classes import CAPTION
from .figures import empty
from .filters import filter_bar
from . import benchmarks, terms
from .insights import insights_section
from .jobs import jobs_strip
from .map import map_section
from .outliers import outlier_body
from .profile import profile_panel
from .report_panel import report_section
from .progress import progress_body
from .risk import risk_section, risk_tools
from .table import grid, toolbar
from .tabs import tab_nav
from .theme import GRAPH_CONFIG
from .upload import upload_card


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


def navbar() -> dbc.Navbar:
    return dbc.Navbar(dbc.Container([
        html.A([html.Span(html.I(className="bi bi-compass"), className="brand-mark"),
                html.Span("Cohort Atlas", className="brand-name"),
                html.Span("student personas & trajectories", className="brand-tag d-none d-md-inline")],
               href="#", className="navbar-brand d-flex align-items-center"),
        html.Div([html.I(className="bi bi-file-earmark-spreadsheet me-2"), html.Span(id=ids.NAVBAR_DATASET)],
                 className="navbar-dataset"),
        html.A([html.I(className="bi bi-printer me-1", **{"aria-hidden": "true"}), "Class list"],
               id=ids.CLASS_LIST_LINK, href="#", target="_blank", rel="noopener", className="navbar-print",
               title="Who needs help in each subject, and why, for the students in view: a page to print"),
    ], fluid="xl"), className="app-navbar", dark=True, tag="header")


def settings_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.Div("Number of personas", className="settings-label", id=ids.PERSONA_COUNT_LABEL),
        dbc.RadioItems(id=ids.PERSONA_COUNT, value=defaults.PERSONAS, inline=True,
                       options=[{"label": str(k), "value": k}
                                for k in range(defaults.MIN_PERSONAS, defaults.MAX_PERSONAS + 1)],
                       className="btn-group persona-count", inputClassName="btn-check",
                       labelClassName="btn btn-outline-primary", labelCheckedClassName="active"),
        html.Div(id=ids.PERSONA_COUNT_QUALITY, className="persona-quality"),
        html.Div("K-Means groups students on the themes the file supports (study, attendance, prior attainment, "
                 "motivation, resources, family, wellbeing, environment, homework, behaviour). Trajectories group "
                 "previous vs current score.",
                 className="settings-help"),
        html.Hr(className="my-3"),
        risk_tools(),
        html.Hr(className="my-3"),
        html.Div("Showing", className="settings-label"),
        html.Div(id=ids.DATASET_SUMMARY, className="dataset-summary"),
    ]), className="section-card h-100")


def persona_section() -> html.Div:
    radar_tools = [html.Label("Personas on the radar", htmlFor=ids.RADAR_PERSONA, className="visually-hidden"),
                   dbc.Select(id=ids.RADAR_PERSONA, options=[{"label": "All personas", "value": "all"}], value="all",
                              size="sm", className="radar-select")]
    return html.Div([
        section_title("Personas", "people"),
        html.Div(id=ids.PERSONA_CAVEAT),  # unstable personas, or few students
        dbc.Row([
            dbc.Col(panel("Persona sizes", graph(ids.PERSONA_DONUT), "Share of students in each persona"), lg=4,
                    className="mb-4"),
            dbc.Col(panel("Who the personas are", html.Div(id=ids.PERSONA_LIST),
                          "Ordered by mean score, highest first"), lg=8, className="mb-4"),
        ]),
        dbc.Row([
            dbc.Col(panel("Persona profiles", graph(ids.PERSONA_RADAR),
                          "Average theme score; 0 = cohort average, rings are standard deviations",
                          tools=radar_tools), lg=6, className="mb-4"),
            dbc.Col(panel("Scores by persona",
                          html.Div([html.Div(graph(ids.SCORE_DISTRIBUTION), id=ids.SCORE_GRAPH),
                                    html.Div(id=ids.SCORE_NOTE)]),
                          "Box = middle half of students, line = median, dashed = mean"), lg=6, className="mb-4"),
        ]),
    ], id=ids.PERSONA_SECTION)


def trajectory_section() -> html.Div:
    return html.Div([
        section_title("Academic trajectories", "graph-up-arrow"),
        dbc.Row([
            dbc.Col(panel("Trajectory sizes", html.Div([graph(ids.TRAJECTORY_DONUT), html.Div(id=ids.TRAJECTORY_LIST)]),
                          "Previous vs current score, strongest first"), lg=5, className="mb-4"),
            dbc.Col(panel("Personas inside each trajectory",
                          html.Div([html.Div(graph(ids.TRAJECTORY_MIX), id=ids.TRAJECTORY_MIX_GRAPH),
                                    html.Div(id=ids.TRAJECTORY_MIX_NOTE)]),
                          "Which personas make up each trajectory", caption_id=ids.TRAJECTORY_MIX_CAPTION),
                    lg=7, className="mb-4"),
        ]),
    ], id=ids.TRAJECTORY_SECTION)


def breakdown_section() -> html.Div:
    mode = dbc.RadioItems(id=ids.BREAKDOWN_MODE, value="percent", inline=True,
                          options=[{"label": "Counts", "value": "count"}, {"label": "Percent", "value": "percent"}],
                          className="btn-group btn-group-sm", inputClassName="btn-check",
                          labelClassName="btn btn-outline-primary btn-sm", labelCheckedClassName="active")
    group_tools = [html.Label("Group", htmlFor=ids.GROUP_BREAKDOWN_BY, className="visually-hidden"),
                   dbc.Select(id=ids.GROUP_BREAKDOWN_BY, options=[], size="sm", className="radar-select")]
    return html.Div([
        section_title("Breakdowns", "bar-chart", tools=mode),
        dbc.Row([
            dbc.Col(panel("By gender", html.Div([html.Div(graph(ids.GENDER_BREAKDOWN), id=ids.GENDER_GRAPH),
                                                 html.Div(id=ids.GENDER_NOTE)]), caption_id=ids.GENDER_CAPTION),
                    lg=6, className="mb-4"),
            dbc.Col(panel("By school type", html.Div([html.Div(graph(ids.SCHOOL_BREAKDOWN), id=ids.SCHOOL_GRAPH),
                                                      html.Div(id=ids.SCHOOL_NOTE)]), caption_id=ids.SCHOOL_CAPTION),
                    lg=6, className="mb-4"),
            dbc.Col(panel("By group", html.Div([html.Div(graph(ids.GROUP_BREAKDOWN), id=ids.GROUP_GRAPH),
                                                html.Div(id=ids.GROUP_NOTE)]), caption_id=ids.GROUP_CAPTION,
                          tools=group_tools), lg=12, className="mb-4", id=ids.GROUP_BREAKDOWN_BOX,
                    style={"display": "none"}),
        ]),
    ], id=ids.BREAKDOWN_SECTION)


def progress_section() -> html.Div:
    return html.Div([
        section_title("Progress", "speedometer2"),
        dbc.Card(dbc.CardBody(progress_body(graph(ids.PROGRESS_CHART))), className="section-card mb-5"),
    ], id=ids.PROGRESS_SECTION)


def groups_section() -> html.Div:
    """The groups a school is judged on: where each group stands on each subject, and the FSM/SEN/EAL gaps."""
    return html.Div([
        section_title("Groups", "diagram-3"),
        dbc.Row([
            dbc.Col(panel("Subjects by group",
                          html.Div([html.Div(graph(ids.GROUP_HEATMAP), id=ids.GROUP_HEATMAP_GRAPH),
                                    html.Div(id=ids.GROUP_HEATMAP_NOTE)]),
                          "Colour and top number: share of the group below the subject's target (else its pass "
                          "mark, else the cohort median); bottom number: the group's mean against everyone in "
                          "view. Click a cell to filter to that group."), lg=7, className="mb-4"),
            dbc.Col(panel("Gaps", html.Div(id=ids.GAPS_TABLE),
                          "Disadvantaged (FSM), SEN and EAL gaps in the current view"), lg=5, className="mb-4"),
        ]),
    ], id=ids.GROUPS_SECTION)


def over_time_section() -> html.Div:
    """Terms linked by student id: persona moves, joined and left, subjects across terms (components/terms.py)."""
    return terms.over_time_section(graph, panel, section_title)


def benchmark_section() -> html.Div:
    """The school against reference figures it loads (components/benchmarks.py). The loaded-reference marker
    sits with it: the loader and every panel that redraws on it are on this tab."""
    return html.Div([benchmarks.benchmark_section(panel, section_title), dcc.Store(id=ids.BENCH_LOADED)])


def classes_section() -> html.Div:
    """A head of year's way into a class, and a teacher's: each class opens as its own view."""
    return html.Div([
        section_title("Classes", "easel"),
        dbc.Card(dbc.CardBody([html.Div(CAPTION, className="panel-subtitle mb-2"),
                               html.A([html.I(className="bi bi-printer me-1", **{"aria-hidden": "true"}),
                                       "Class report: one page per class"], id=ids.CLASS_PAGES_LINK, href="#",
                                      target="_blank", rel="noopener", className="d-inline-block mb-2"),
                               html.Div(id=ids.CLASS_TABLE)]), className="section-card mb-5"),
    ], id=ids.CLASSES_SECTION, style={"display": "none"})


def outlier_section() -> html.Div:
    return html.Div([
        section_title("Unusual profiles", "exclamation-diamond"),
        dbc.Card(dbc.CardBody(outlier_body()), className="section-card mb-5"),
    ], id=ids.OUTLIER_SECTION)


def table_section() -> html.Div:
    return html.Div([
        section_title("Students", "table"),
        dbc.Card(dbc.CardBody([toolbar(), grid()]), className="section-card mb-5"),
    ], id=ids.TABLE_SECTION)


# One function per tab, listing its sections in page order: a new section goes into its job's list.
def overview_tab() -> list:
    return [persona_section(), trajectory_section(), breakdown_section()]


def explore_tab() -> list:
    return [map_section(), outlier_section(), table_section()]


def risk_tab() -> list:
    return [risk_section()]


def subjects_tab() -> list:
    return [groups_section(), progress_section(), over_time_section(), benchmark_section(), classes_section()]


def insights_tab() -> list:
    return [insights_section()]


def report_tab() -> list:
    return [report_section()]


def admin_tab() -> list:
    return [admin_section()]


TAB_SECTIONS = {"overview": overview_tab, "explore": explore_tab, "risk": risk_tab, "subjects": subjects_tab,
                "insights": insights_tab, "report": report_tab, "admin": admin_tab}


def tab_content(tab: str) -> list:
    """What the tab shows; callbacks/tabs.py puts it in the page when the tab opens."""
    return TAB_SECTIONS[tab]()


def layout(default_dataset: str, upload_url: str, max_bytes: int, prefix: str = "/") -> html.Div:
    """The shell: everything every tab shares. The open tab's sections go into ids.TAB_CONTENT."""
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
            html.Div(id=ids.DASHBOARD_ERROR),
            html.Div(id=ids.SKIPPED_ALERTS),
            html.Div(id=ids.CLASS_BANNER),
            *filter_bar(),
            dbc.Row(id=ids.KPI_ROW, className="mb-2"),
            tab_nav(prefix),
            jobs_strip(),
            html.Div(id=ids.TAB_CONTENT),  # the open tab's sections (callbacks/tabs.py)
            html.Footer("Cohort Atlas · open source · clusters are descriptive groupings, not labels for students",
                        className="app-footer"),
        ], fluid="xl", className="app-body", tag="main"),
        profile_panel(),
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.DATASET_ID, data=default_dataset),
        dcc.Store(id=ids.UPLOADED),  # what the last upload stored; the view-state callback switches to it
        dcc.Store(id=ids.VIEW),
        dcc.Store(id=ids.FILTERS, data={}),
        dcc.Store(id=ids.STUDENT),  # 0-based data row of the student whose profile is open
        dcc.Store(id=ids.JOBS_READY, data=None),  # background jobs write here when they finish
        # a view's jobs that have work to do; the map's start sits in its tab (the map is laid out when shown)
        *[dcc.Store(id=start) for job, start in ids.JOB_START.items() if job != "map"],
        dcc.Store(id=ids.TERMS_SET), dcc.Store(id=ids.TERMS_START), dcc.Store(id=ids.TERMS_READY),
        dcc.Store(id=ids.TAB),  # {tab, at}: the open tab and when it was put in the page
        dcc.Store(id=ids.CHART_CLICK),  # chart clicks and map selections of the open tab (callbacks/tabs.py)
        dcc.Store(id=ids.STUDENT_PICK),  # students clicked in the open tab: the card opens on them
    ])


def full_layout(default_dataset: str, upload_url: str, max_bytes: int, prefix: str = "/") -> html.Div:
    """The shell with every tab in it: what Dash validates the callbacks against (app.validation_layout)."""
    return html.Div([layout(default_dataset, upload_url, max_bytes, prefix),
                     *[html.Div(tab_content(tab), id=f"all-{tab}") for tab in TAB_SECTIONS]])
