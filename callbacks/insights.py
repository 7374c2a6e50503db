"""Insights for the current view (Gemini with a key, the built-in engine otherwise; cached on disk) and the
ask-your-data conversation, kept in the browser session."""
from __future__ import annotations

import json

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from analytics.insights import ask_gemini, gemini
from analytics.insights.facts import view_facts
from analytics.insights.offline import SECTIONS, TITLES
from backend.auth import access, ai
from components import ids
from components.insights import EXAMPLES, conversation, engine_badge, facts_table, sections

from .common import if_changed, in_place, min_group
from .context import request

HISTORY = 20  # turns kept in the session


def insights_content(store, view: dict | None, filters: dict | None) -> tuple:
    """(sections, engine badge, facts table). Cached by dataset, view, engine/model and prompt version."""
    req = request(store, view, filters=filters)
    key = ai.api_key()  # empty while the school's AI switch is off
    engine = gemini.model_name() if key else "offline"
    cache_key = ("insights", gemini.PROMPT_VERSION, req.dataset_id, req.personas, engine,
                 json.dumps(filters or {}, sort_keys=True), min_group()) + access.view_key()
    found = store.cache.get(cache_key)
    if found is None:
        found = gemini.insights(view_facts(req.analysis, req.mask, max(1, min_group())), key=key)
        if not found.note:  # a fallback is not cached: the next look tries Gemini again
            store.cache.set(cache_key, found)
    note = found.note or ("" if key else ai.off_note() or "")
    return (sections(found.sections, TITLES, SECTIONS), engine_badge(found.engine, found.model, note),
            facts_table(found.facts))


def ask_content(store, view, filters, question: str, history: list | None, mark_value, model_id) -> list:
    req = request(store, view, filters=filters, model_id=model_id, mark=mark_value, need=("scores",))
    at_risk = None if req.scores is None else req.scores.at_risk
    answer, note = ask_gemini.answer_or_fallback(req.analysis, question, ai.api_key(), keep=req.mask,
                                                 at_risk=at_risk, min_group=max(1, min_group()))
    students = [] if answer.students is None else [int(r) for r in answer.students["row"].tolist()]
    turn = {"question": question, "answer": answer.text, "engine": answer.engine, "note": note,
            "table": answer.table.to_dict("records"), "students": students}
    return ((history or []) + [turn])[-HISTORY:]


def register(app, store) -> None:
    @app.callback(Output(ids.INSIGHTS_BODY, "children"), Output(ids.INSIGHTS_ENGINE, "children"),
                  Output(ids.INSIGHTS_FACTS, "children"), Output({"type": ids.INSIGHTS_FACT_PART, "part": ALL}, "children"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), State(ids.INSIGHTS_ENGINE, "children"))
    def show_insights(view, filters, shown_engine):
        body, engine, facts = insights_content(store, view, filters)
        return (body, if_changed(engine, shown_engine), *in_place(facts, ids.INSIGHTS_FACT_PART))

    @app.callback(Output(ids.ASK_HISTORY, "data"), Output(ids.ASK_INPUT, "value"), Input(ids.ASK_BUTTON, "n_clicks"),
                  Input(ids.ASK_INPUT, "n_submit"), Input({"type": ids.ASK_EXAMPLE, "index": ALL}, "n_clicks"),
                  State(ids.ASK_INPUT, "value"), State(ids.ASK_HISTORY, "data"), State(ids.VIEW, "data"),
                  State(ids.FILTERS, "data"), State(ids.PASS_MARK, "value"), State(ids.RISK_MODEL, "value"),
                  prevent_initial_call=True)
    def ask_question(_clicks, _submit, _examples, typed, history, view, filters, mark, model_id):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            if not (ctx.triggered and ctx.triggered[0].get("value")):
                raise PreventUpdate
            question = EXAMPLES[trigger["index"]]
        else:
            question = (typed or "").strip()
        if not question or not view:
            raise PreventUpdate
        return ask_content(store, view, filters, question, history, mark, model_id), ""

    @app.callback(Output(ids.ASK_LOG, "children"), Input(ids.ASK_HISTORY, "data"))
    def show_conversation(history):
        return conversation(history or [])

