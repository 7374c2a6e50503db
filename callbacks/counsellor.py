"""The counsellor's view of the open student: their standings (never their name, id or row) in words, by Gemini
when AI is on for the school, else by the built-in engine."""
from __future__ import annotations

from dash import Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from analytics.insights.ai_switch import ai_key
from analytics.insights.counsellor import TITLES, counsel, standings
from components import ids
from components.counsellor import counsel_body

from .context import request


def counsel_content(store, view, row, mark=None, model_id=None, key: str | None = None) -> list:
    """The panel for data row `row`. `key` is the Gemini key ("" for the built-in engine; None: ask the switch)."""
    req = request(store, view, model_id=model_id, mark=mark, need=("scores",))
    scored = req.missing is None
    found = standings(req.analysis, int(row), req.scores if scored else None, req.model if scored else None)
    written = counsel(found, ai_key() if key is None else key)
    return counsel_body(written, TITLES)


def register(app, store) -> None:
    @app.callback(Output(ids.COUNSEL_BODY, "children"), Input(ids.COUNSEL_BUTTON, "n_clicks"),
                  Input(ids.STUDENT, "data"), State(ids.VIEW, "data"), State(ids.PASS_MARK, "value"),
                  State(ids.RISK_MODEL, "value"), prevent_initial_call=True)
    def show_counsel(_clicks, row, view, mark, model_id):
        if ctx.triggered_id == ids.STUDENT or row is None:
            return None  # another student: their view is written when asked for
        if not view:
            raise PreventUpdate
        return counsel_content(store, view, row, mark, model_id)
