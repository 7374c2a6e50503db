"""Persona donut, descriptions, radar profiles and exam-score distribution."""
from __future__ import annotations

from dash import Input, Output

from analytics import views
from components import figures
from components.cards import model_list, note

from .common import HIDDEN, SHOWN, colours, load

ALL = "all"


def persona_panels(analysis) -> tuple:
    if not analysis.personas:
        return figures.empty(), None, [{"label": "All personas", "value": ALL}], ALL, figures.empty(), HIDDEN, None
    palette, _ = colours(analysis)
    personas = sorted(analysis.personas, key=lambda p: p.id)
    names = [p.name for p in personas]
    donut = figures.donut(names, [p.size for p in personas], palette, f"{len(names)}", "personas")
    exam = analysis.exam_column
    described = model_list(personas, palette, analysis.rows, "mean exam" if exam else None)
    options = [{"label": "All personas", "value": ALL}] + [{"label": p.name, "value": str(p.id)} for p in personas]
    scores = views.exam_scores(analysis)
    if scores is None:
        boxes, style = figures.empty(), HIDDEN
        score_note = note("No exam score column in this file, so there is no score distribution "
                          "(looked for Exam_Score, Final_Grade, G3).")
    else:
        boxes, style, score_note = figures.score_boxes(scores, names, palette, exam.replace("_", " ")), SHOWN, None
    return donut, described, options, ALL, boxes, style, score_note


def radar(analysis, selected: str | None):
    if not analysis.personas:
        return figures.empty()
    palette, _ = colours(analysis)
    chosen = next((p.name for p in analysis.personas if str(p.id) == selected), None)
    return figures.radar(views.centroids(analysis), palette, chosen)


def register(app, store) -> None:
    @app.callback(Output("persona-donut", "figure"), Output("persona-list", "children"),
                  Output("radar-persona", "options"), Output("radar-persona", "value"),
                  Output("score-distribution", "figure"), Output("score-graph", "style"),
                  Output("score-note", "children"),
                  Input("view", "data"))
    def show_personas(view):
        return persona_panels(load(store, view))

    @app.callback(Output("persona-radar", "figure"), Input("view", "data"), Input("radar-persona", "value"))
    def show_radar(view, selected):
        return radar(load(store, view), selected)
