"""The counsellor's view on the profile card: a button, then the four sections in plain words and which engine
wrote them."""
from __future__ import annotations

import re

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import ids

ENGINES = {"gemini": "Written by Gemini from the student's standings only (percentiles, persona, flags; no name, "
                     "id or record).",
           "offline": "Written by the built-in engine from the student's standings."}


def counsel_section() -> html.Div:
    return html.Div([
        html.H4("Counsellor's view", className="profile-h"),
        dbc.Button([html.I(className="bi bi-chat-square-text me-1"), "Explain this student"], id=ids.COUNSEL_BUTTON,
                   size="sm", color="primary", outline=True, n_clicks=0),
        dcc.Loading(html.Div(id=ids.COUNSEL_BODY, className="mt-2"), type="dot"),
    ], className="counsel-section")


def _line(text: str) -> html.Li:
    parts = re.split(r"\*\*(.+?)\*\*", str(text))
    return html.Li([html.Strong(p) if i % 2 else p for i, p in enumerate(parts) if p])


def counsel_body(counsel, titles: dict) -> list:
    body = []
    for key, title in titles.items():
        lines = counsel.sections.get(key) or []
        if lines:
            body += [html.H5(title, className="counsel-h"), html.Ul([_line(t) for t in lines])]
    engine = ENGINES.get(counsel.engine, counsel.engine) + (f" {counsel.note}" if counsel.note else "")
    body.append(html.Div(engine, className="profile-note", id=ids.COUNSEL_ENGINE))
    return body
