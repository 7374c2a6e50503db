"""What-if sliders: for the cohort in view (result, per-persona chart) and for one student (profile card)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids
from .figures import empty
from .plot import Figure, trace
from .theme import GRAPH_CONFIG, base_layout


def scenario_body() -> list:
    return [
        html.Div([html.H3("What if…", className="panel-title"),
                  html.Div("Change a factor for every student in view and see the predicted effect",
                           className="panel-subtitle")], className="panel-head"),
        html.Div(id=ids.SCENARIO_SLIDERS, className="scenario-sliders"),
        dcc.Loading(html.Div(id=ids.SCENARIO_RESULT, className="scenario-result"), type="dot", delay_show=400),
        dcc.Graph(id=ids.SCENARIO_PERSONA, figure=empty(), config=GRAPH_CONFIG, style={"display": "none"}),
        html.Div(id=ids.SCENARIO_NOTE, className="panel-caption"),
    ]


def _signed(value: float) -> str:
    return "0" if value == 0 else f"{value:+g}"


def _marks(lever) -> dict:
    if lever.levels:
        return {int(v): _signed(v) for v in range(-int(lever.span), int(lever.span) + 1)}
    span = lever.span
    return {v: _signed(v) for v in (-span, -span / 2, 0, span / 2, span)}


def sliders(levers, kind: str = ids.LEVER, values: dict | None = None) -> list:
    """One slider per actionable factor, centred on 0 (no change) unless `values` (role -> change) says where
    the user had left it."""
    out = []
    for lever in levers:
        value = (values or {}).get(lever.role)
        value = value if isinstance(value, (int, float)) and abs(value) <= lever.span else 0
        unit = "levels" if lever.levels else lever.unit
        out.append(html.Div([
            html.Div([html.Span(lever.label, className="lever-label"),
                      html.Span(f"change in {unit}; range seen {lever.low:g}–{lever.high:g}",
                                className="lever-unit")],
                     className="lever-head"),
            dcc.Slider(id={"type": kind, "role": lever.role}, min=-lever.span, max=lever.span, step=lever.step,
                       value=value, marks=_marks(lever), updatemode="mouseup",
                       tooltip={"placement": "bottom", "always_visible": False}),
        ], className="lever", **{"data-control-label": f"{lever.label}, change in {unit}"}))
    return out


def scenario_result(s, pass_mark: float, exam_label: str) -> html.Div:
    if not s.changes:
        return html.Div("Move a slider to see what would change.", className="panel-caption", id=ids.SCENARIO_SUMMARY)
    change = s.mean_change
    band = f"{s.band[0]:+.1f} to {s.band[1]:+.1f}"
    return html.Div([
        html.Div([html.Span("Predicted mean ", className="me-1"),
                  html.Strong(f"{s.mean_before:.1f} → {s.mean_after:.1f}"),
                  html.Span(f" ({change:+.1f}; across models {band})", className="text-muted")]),
        html.Div([html.Span("Below the pass mark ", className="me-1"),
                  html.Strong(f"{s.below_before:,} → {s.below_after:,}", id=ids.SCENARIO_BELOW),
                  html.Span(f" · {s.lifted:,} lifted above {pass_mark:g}, {s.dropped:,} fall below",
                            className="text-muted")]),
        html.Div(f"Estimated from a random {len(s.predicted_after):,} of the {s.students:,} students in view; "
                 "counts are scaled up.", className="panel-caption") if s.sampled else None,
    ], id=ids.SCENARIO_SUMMARY)


def clipped_note(clipped: dict[str, int]) -> str:
    if not clipped:
        return ""
    parts = [f"{label}: {n:,} students held at the edge of the range seen in this cohort"
             for label, n in clipped.items()]
    return "Changes are clipped to plausible ranges. " + "; ".join(parts) + "."


def persona_chart(by_persona, colours: dict[str, str]) -> Figure:
    names = by_persona["persona"].astype(str).tolist()
    values = by_persona["mean_change"].round(2).tolist()
    fig = Figure(trace("bar", x=values, y=names, orientation="h",
                       marker={"color": [colours.get(n, "#64748b") for n in names]},
                       text=[f"{v:+.1f}" for v in values], textposition="outside", cliponaxis=False,
                       customdata=by_persona["lifted"].tolist(),
                       hovertemplate="%{y}<br>mean change %{x:+.2f}<br>%{customdata} lifted<extra></extra>"))
    fig.update_layout(base_layout(height=220, margin={"l": 10, "r": 44, "t": 24, "b": 10}, showlegend=False,
                                  title={"text": "Mean predicted change per persona", "font": {"size": 13},
                                         "x": 0, "xanchor": "left"}))
    fig.update_xaxes(zeroline=True, zerolinecolor="#94a3b8", gridcolor="#e2e8f0")
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def student_block(prediction: dict, explanation: list, words: list[str], flags: str, levers, smallest) -> list:
    """The profile card's prediction: score, chance, the factors behind it, flags, sliders and the smallest
    change that lifts the student above the pass mark."""
    body = [html.H4("Prediction", className="profile-h"),
            html.Div([html.Strong(f"{prediction['predicted']:.1f}", id=ids.PROFILE_PREDICTED),
                      html.Span(f" predicted {prediction['label'].lower()} · "
                                f"{prediction['chance']:.0%} chance of ending below {prediction['pass_mark']:g}")],
                     className="profile-prediction")]
    if prediction.get("actual") is not None:
        body.append(html.Div(f"Actual: {prediction['actual']:g}", className="profile-note"))
    if explanation:
        body.append(html.Div("What moves this prediction most (compared with a typical student):",
                             className="profile-note mt-2"))
        width = max(abs(item["effect"]) for item in explanation) or 1
        bars = []
        for item, text in zip(explanation, words):
            colour = "#059669" if item["effect"] > 0 else "#dc2626"
            bars.append(html.Div([
                html.Div(text, className="explain-text"),
                html.Div(html.Div(style={"width": f"{abs(item['effect']) / width * 100:.0f}%", "background": colour},
                                  className="explain-fill"), className="explain-track"),
            ], className="explain-item"))
        body.append(html.Div(bars, id=ids.PROFILE_EXPLANATION))
    if flags:
        body.append(dbc.Alert([html.I(className="bi bi-flag-fill me-2"), html.Strong("Early-warning flags: "), flags],
                              color="danger", className="py-2 small mt-2", id=ids.PROFILE_FLAGS))
    if levers:
        body += [html.H4("What if, for this student", className="profile-h"), *sliders(levers, ids.STUDENT_LEVER),
                 html.Div(id=ids.STUDENT_WHATIF, className="profile-prediction")]
    if smallest is not None:
        body.append(html.Div(smallest, className="profile-note mt-2", id=ids.PROFILE_SMALLEST))
    return body
