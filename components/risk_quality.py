"""The model-quality panel: the predicted score beside its two baselines; the chance below the pass mark from
each approach beside the majority class and the previous score alone, every figure with its 95 % interval and
the number of students it rests on; the verdict; and the reliability chart (predicted chance against the share
that did end below, by decile, out of fold). It draws the `cv` and `passfail` blocks of summarize --json."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .plot import Figure, trace
from .theme import GRAPH_CONFIG, GRID, MUTED, base_layout

SCORE_ROWS = [("model", "Risk model"), ("baseline_mean", "Predict the mean"),
              ("baseline_previous", "Previous score only")]
CHANCE_ROWS = {"regression": "Regression's error spread", "classifier": "Calibrated classifier",
               "blend": "Blend (regression, classifier, previous score)",
               "baseline_previous": "Previous score alone", "baseline_mean": "Majority class"}
IN_USE = "#2563eb"


def _fmt(value, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def _with_ci(value, ci, pattern: str) -> list:
    """The figure, and under it its 95 % interval in small print (percentages without the sign)."""
    if value is None:
        return ["–"]
    text = format(value, pattern)
    if not ci:
        return [text]
    low, high = (format(v, pattern).rstrip("%") for v in ci)
    return [text, html.Br(), html.Span(f"{low}–{high}", className="text-muted small")]


def score_table(cv: dict) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th("Predicted score")] + [html.Th(h) for h in ("MAE", "RMSE")]))
    body = [html.Tr([html.Th(label), html.Td(_fmt(cv[key]["mae"], ".2f")), html.Td(_fmt(cv[key]["rmse"], ".2f"))],
                    className="quality-model" if key == "model" else "")
            for key, label in SCORE_ROWS if key in cv]
    return dbc.Table([head, html.Tbody(body)], size="sm", className="quality-table mb-1", id=ids.RISK_QUALITY)


def chance_rows(cv: dict, passfail: dict) -> list[tuple[str, str, dict, bool]]:
    """(key, label, metrics, in use) for every approach and baseline, the one in use first."""
    chosen = passfail["chosen"]
    key_of = {"previous": "baseline_previous", "majority": "baseline_mean"}
    rows = []
    for key, label in CHANCE_ROWS.items():
        found = cv.get(key)
        if found is None or "brier" not in found:
            continue
        name = next((n for n, k in key_of.items() if k == key), key)
        rows.append((key, label, found, name == chosen))
    return sorted(rows, key=lambda row: not row[3])


def chance_table(cv: dict, passfail: dict) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(f"Below {passfail['pass_mark']:g}")] +
                              [html.Th(h) for h in ("Accuracy", "AUC", "Brier")]))
    body = []
    for key, label, m, used in chance_rows(cv, passfail):
        name = [label, html.Br(), html.Span("in use", className="text-muted small fw-normal")] if used else label
        body.append(html.Tr([html.Th(name), html.Td(_with_ci(m["accuracy"], m["accuracy_ci"], ".1%")),
                             html.Td(_with_ci(m["auc"], m["auc_ci"] if key != "baseline_mean" else None, ".3f")),
                             html.Td(_with_ci(m["brier"], m["brier_ci"], ".3f"))],
                            className="quality-model" if used else "", **{"data-approach": key}))
    return dbc.Table([head, html.Tbody(body)], size="sm", className="quality-table mb-1", id=ids.RISK_PASSFAIL)


def reliability_figure(points: list[dict], n: int) -> Figure:
    fig = Figure(layout=base_layout(height=240, margin={"l": 48, "r": 12, "t": 8, "b": 44}, showlegend=False))
    fig.add_trace(trace("scatter", mode="lines", x=[0, 1], y=[0, 1], hoverinfo="skip",
                        line={"color": MUTED, "dash": "dot", "width": 1}))
    fig.add_trace(trace(
        "scatter", mode="lines+markers", x=[p["predicted"] for p in points], y=[p["observed"] for p in points],
        marker={"color": IN_USE, "size": 7}, line={"color": IN_USE, "width": 1.5},
        error_y={"type": "data", "symmetric": False, "color": IN_USE, "thickness": 1,
                 "array": [p["observed_high"] - p["observed"] for p in points],
                 "arrayminus": [p["observed"] - p["observed_low"] for p in points]},
        customdata=[[p["decile"], p["students"]] for p in points],
        hovertemplate="decile %{customdata[0]} (%{customdata[1]} students)<br>predicted %{x:.0%}"
                      "<br>did fall below %{y:.0%}<extra></extra>"))
    axis = {"range": [-0.02, 1.02], "tickformat": ".0%", "gridcolor": GRID, "zeroline": False}
    fig.update_layout(xaxis={**axis, "title": {"text": f"Predicted chance (deciles of {n:,} students)",
                                               "font": {"size": 11, "color": MUTED}}},
                      yaxis={**axis, "title": {"text": "Share that fell below", "font": {"size": 11,
                                                                                          "color": MUTED}}})
    return fig


def quality_panel(cv: dict, passfail: dict, fitted: str) -> html.Div:
    """The panel for one pass mark: both tables, the verdict, the warning on a small file and the chart."""
    model = cv["model"]
    lines = passfail["verdict"]
    headline = [line for line in lines if line.startswith("The previous score alone predicts this as well")]
    warning = [line for line in lines if line.startswith("Only ")]
    rest = [line for line in lines if line not in headline + warning]
    return html.Div([
        html.H4("How good is the prediction?", className="profile-h mt-3"),
        score_table(cv),
        html.Div(f"{cv['folds']}-fold cross-validation on {cv['rows']:,} students ({fitted}).",
                 className="panel-caption"),
        chance_table(cv, passfail),
        html.Div(f"Out of fold on n = {model['n']:,} students, {model['below']:,} of them below the pass mark; "
                 "95 % intervals under each figure; a lower Brier score is better.", className="panel-caption"),
        *[dbc.Alert(line, color="info", className="py-1 px-2 mb-1 small", id=ids.RISK_AS_WELL) for line in headline],
        html.Div([html.Div(line) for line in rest], className="panel-caption", id=ids.RISK_VERDICT),
        *[dbc.Alert(line, color="warning", className="py-1 px-2 mb-1 small", id=ids.RISK_SMALL) for line in warning],
        html.H4("Are the chances right?", className="profile-h mt-3"),
        dcc.Graph(id=ids.RISK_RELIABILITY, figure=reliability_figure(passfail["reliability"], model["n"]),
                  config=GRAPH_CONFIG),
        html.Div("Students in order of their chance, in ten groups of equal size: on the dotted line, students "
                 "given 30 % fell below 30 % of the time. Bars: 95 % intervals of each group's share.",
                 className="panel-caption"),
    ])
