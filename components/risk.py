"""The risk section: pass mark and scoring model, who is at risk in view, how good the model is (beside two
baselines), whether it serves every group, and target-grade simulation."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .figures import pretty
from .interventions import intervention_body
from .scenario import scenario_body

HIDDEN = {"display": "none"}
OUTCOME = "(outcome)"  # the Subject menu's value for the file's outcome (dbc.Select keeps "" for its placeholder)


def risk_tools() -> html.Div:
    """Subject, pass mark and scoring model: part of the view (the URL carries them) that the risk panels, the map
    and the questions read, so they sit with the shared settings rather than in one tab."""
    return html.Div([
        html.Div([html.Label("Subject", htmlFor=ids.SUBJECT, className="settings-label me-2 mb-0"),
                  dbc.Select(id=ids.SUBJECT, options=[], value=OUTCOME, size="sm", style={"width": "auto"})],
                 id=ids.SUBJECT_BOX, className="risk-model-box me-3", style=HIDDEN),  # no subjects: hidden
        html.Div([html.Label("Pass mark", htmlFor=ids.PASS_MARK, className="settings-label me-2 mb-0"),
                  dbc.Input(id=ids.PASS_MARK, type="number", debounce=True, size="sm", style={"width": "6rem"},
                            placeholder="auto")], className="d-flex align-items-center me-3"),
        html.Div([html.Label("Scored by", htmlFor=ids.RISK_MODEL, className="settings-label me-2 mb-0"),
                  dbc.Select(id=ids.RISK_MODEL, options=[], placeholder="Choose a model…", size="sm",
                             style={"width": "auto"})],
                 id=ids.RISK_MODEL_BOX, className="risk-model-box", style=HIDDEN),  # d-flex would beat HIDDEN
    ], className="d-flex align-items-center flex-wrap gap-2")


def risk_section() -> html.Div:
    return html.Div([
        html.Div(html.H2([html.I(className="bi bi-activity me-2"), "Risk before exams"], className="section-title"),
                 className="section-head"),
        html.Div(id=ids.RISK_STATUS),
        html.Div([
            dbc.Row([
                dbc.Col(dbc.Card(dbc.CardBody(dcc.Loading([html.Div(id=ids.RISK_SUMMARY),
                                                            html.Div(id=ids.RISK_QUALITY_BOX)],
                                                           type="dot", delay_show=300)),
                                 className="section-card h-100"), lg=5, className="mb-4"),
                dbc.Col(dbc.Card(dbc.CardBody(scenario_body()), className="section-card h-100"), lg=7,
                        className="mb-4"),
            ]),
            dbc.Card(dbc.CardBody(intervention_body()), className="section-card mb-4"),
        ], id=ids.RISK_PANELS),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody(target_body()), className="section-card h-100"), lg=6, className="mb-4"),
            dbc.Col(dbc.Card(dbc.CardBody(fairness_body()), className="section-card h-100"), lg=6,
                    className="mb-4", id=ids.FAIRNESS_BOX),
        ]),
    ], id=ids.RISK_SECTION)


def subject_options(outcome: str | None, subjects: list[str]) -> list[dict]:
    """The Subject menu: the file's outcome first (value OUTCOME), then each subject; empty without subjects."""
    if not subjects:
        return []
    first = "All subjects (combined score)" if outcome == "Combined score" else f"{pretty(outcome or 'Outcome')}"
    return [{"label": first, "value": OUTCOME}] + [{"label": name, "value": name} for name in subjects]


def target_body() -> list:
    return [
        html.Div([html.H3("Target grade", className="panel-title"),
                  html.Div("Raise a target for the students in view: who must improve, and by how much",
                           className="panel-subtitle")], className="panel-head"),
        html.Div([html.Label("Target", htmlFor=ids.TARGET_SCORE, className="settings-label me-2 mb-0"),
                  dbc.Input(id=ids.TARGET_SCORE, type="number", debounce=True, size="sm", style={"width": "6rem"})],
                 className="d-flex align-items-center mb-3"),
        html.Div(id=ids.TARGET_RESULT),
    ]


def fairness_body() -> list:
    by = [html.Label("Groups compared", htmlFor=ids.FAIRNESS_BY, className="visually-hidden"),
          dbc.Select(id=ids.FAIRNESS_BY, options=[], size="sm", style={"width": "auto"})]
    return [
        html.Div([html.Div([html.H3("Is the model fair?", className="panel-title"),
                            html.Div("Error and share of students below the pass mark the model caught, per group, "
                                     "with 95 % bootstrap intervals", className="panel-subtitle")]),
                  html.Div(by, className="panel-tools")], className="panel-head"),
        html.Div(id=ids.FAIRNESS_TABLE),
    ]


def summary(at_risk: int, students: int, pass_mark: float, reason: str, mean_predicted: float,
            predicted_only: bool, exam_label: str, early_warning: int, approach: str = "regression") -> list:
    share = at_risk / students if students else 0
    head = ("Predicted to score below the pass mark" if approach == "regression" else
            "More likely than not to end below the pass mark")
    return [
        html.Div(head, className="kpi-label"),
        html.Div([html.Span(f"{at_risk:,}", className="risk-count", id=ids.RISK_COUNT),
                  html.Span(f" of {students:,} students in view ({share:.0%})", className="risk-of")]),
        html.Div(f"Pass mark {pass_mark:g}: {reason}.", className="panel-caption"),
        html.Div(f"Predicted mean {exam_label.lower()}: {mean_predicted:.1f}"
                 + (" · these scores are predictions; this file has no exam scores" if predicted_only else
                    " · each student is scored by a model that never saw them (cross-validation)"),
                 className="panel-caption"),
        html.Div([html.I(className="bi bi-flag-fill me-1 text-danger"),
                  f"{early_warning:,} early-warning students: two or more disengagement flags, or one flag and "
                  "flagged below the pass mark"], className="panel-caption", id=ids.EARLY_WARNING),
    ]


def fairness_table(frame, group_label: str) -> html.Div:
    if frame is None or frame.empty:
        return html.Div("Needs exam scores and a group column.", className="panel-caption")
    head = html.Thead(html.Tr([html.Th(group_label), html.Th("Students"), html.Th("Below pass"),
                               html.Th("Error (MAE)"), html.Th("Caught (recall)")]))
    rows = []
    for rec in frame.to_dict("records"):
        recall = ("–" if rec["recall"] is None else
                  f"{rec['recall']:.0%} ({rec['recall_low']:.0%}–{rec['recall_high']:.0%})")
        rows.append(html.Tr([html.Th(rec["group"]), html.Td(f"{rec['students']:,}"), html.Td(f"{rec['below_pass']:,}"),
                             html.Td(f"{rec['mae']:.2f} ({rec['mae_low']:.2f}–{rec['mae_high']:.2f})"),
                             html.Td(recall)]))
    warnings = [dbc.Alert(f"{rec['group']}: {rec['note']}", color="warning", className="py-1 px-2 mb-1 small")
                for rec in frame.to_dict("records") if rec["note"]]
    return html.Div([dbc.Table([head, html.Tbody(rows)], size="sm", className="quality-table mb-2"), *warnings])


def target_result(result: dict) -> html.Div:
    if "below" not in result and not result["subjects"]:
        return html.Div("Needs exam scores, a risk model, or subject score columns.", className="panel-caption")
    parts = []
    if "below" in result:
        parts.append(html.P([html.Strong(f"{result['below']:,} of {result['students']:,} students"),
                             f" are below {result['target']:g} on {result['basis']}"
                             + (f"; on average they need {result['mean_gap']:.1f} more points "
                                f"({result['total_points']:,.0f} points in all)." if result["below"] else "."
                                )], id=ids.TARGET_SUMMARY))
    if result["subjects"]:
        parts.append(dbc.Table([html.Thead(html.Tr([html.Th("Subject"), html.Th("Below target"),
                                                    html.Th("Mean gap")])),
                                html.Tbody([html.Tr([html.Th(pretty(s["subject"])), html.Td(f"{s['below']:,}"),
                                                     html.Td(f"{s['mean_gap']:.1f}")]) for s in result["subjects"]])],
                               size="sm", className="quality-table"))
    return html.Div(parts)
