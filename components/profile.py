"""The profile card of one student: attributes, persona, trajectory, theme percentiles, outlier reasons and
students like this one. Built from an `analytics.explore.profile.Profile`."""
from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import html

from . import ids
from .counsellor import counsel_section
from .figures import pretty


def profile_panel() -> dbc.Offcanvas:
    return dbc.Offcanvas([html.Div(id=ids.PROFILE_BODY), html.Div(id=ids.PROFILE_TERMS), html.Div(id=ids.PROFILE_RISK),
                          counsel_section()],
                         id=ids.PROFILE,
                         title="Student", placement="end",
                         is_open=False, scrollable=True, backdrop=False, className="profile-panel")


def _value(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _theme_bar(theme: dict) -> html.Div:
    pct = theme["percentile"]
    width = 0 if math.isnan(pct) else max(2, min(100, pct))
    tone = "low" if pct < 25 else "high" if pct > 75 else "mid"
    return html.Div([
        html.Div([html.Span(theme["label"].capitalize(), className="theme-name"),
                  html.Span(f"{ordinal(min(max(round(pct), 1), 99))} percentile · {theme['z']:+.1f} SD" if not math.isnan(pct) else "—",
                            className="theme-figure")], className="theme-line"),
        html.Div(html.Div(className=f"theme-fill theme-{tone}", style={"width": f"{width}%"}), className="theme-track"),
    ], className="profile-theme")


def profile_body(profile, persona_colour: str | None, exam_column: str | None) -> list:
    head = [html.Div(f"Row {profile.sheet_row}", className="profile-row", id=ids.PROFILE_ROW)]
    if profile.persona:
        head.append(html.Span(profile.persona, className="profile-badge",
                              style={"borderLeftColor": persona_colour or "#64748b"}))
    if profile.trajectory:
        head.append(html.Span(profile.trajectory, className="profile-badge profile-badge-muted"))
    body = [html.Div(head, className="profile-head")]
    if profile.persona_description:
        body.append(html.P(profile.persona_description, className="profile-description"))
    if profile.outlier:
        body.append(dbc.Alert([html.Div([html.I(className="bi bi-exclamation-diamond me-2"),
                                         html.Strong("Unusual profile")]),
                               html.Ul([html.Li(r) for r in profile.outlier_reasons])],
                              color="warning", className="profile-outlier", id=ids.PROFILE_OUTLIER))
    if profile.themes:
        body += [html.H4("Themes within the cohort", className="profile-h"),
                 html.Div([_theme_bar(t) for t in profile.themes])]
    if profile.similar is not None and len(profile.similar):
        items = []
        for rec in profile.similar.to_dict("records"):
            detail = [rec.get("Persona")]
            if exam_column and exam_column in rec:
                detail.append(f"{exam_column.replace('_', ' ').lower()} {_value(rec[exam_column])}")
            items.append(html.Button([html.Span(f"Row {int(rec['row']) + profile.first_row}", className="similar-row"),
                                      html.Span(" · ".join(str(d) for d in detail if d), className="similar-detail")],
                                     id={"type": ids.SIMILAR_STUDENT, "row": int(rec["row"])}, n_clicks=0,
                                     className="similar-item", title="Open this student"))
        body += [html.H4("Students like this", className="profile-h"),
                 html.Div("Nearest on the themes; highlighted on the map.", className="profile-note"),
                 html.Div(items, className="similar-list", id=ids.SIMILAR_LIST)]
    body += [html.H4("Every attribute", className="profile-h"),
             html.Table(html.Tbody([html.Tr([html.Th(pretty(col)), html.Td(_value(val))])
                                    for col, val in profile.attributes]), className="profile-table")]
    return body
