"""Persona donut, descriptions, radar profiles and exam-score distribution."""
from __future__ import annotations

from dash import ALL as EVERY, Input, Output, no_update

from analytics.explore import views
from components import figures, ids
from components.cards import model_list, note

from .common import HIDDEN, SHOWN, colours, filters_only, in_place
from .context import request

ALL = "all"


def persona_panels(analysis, filters: dict | None = None, donut_keep=None, keep=None) -> tuple:
    """Donut (every persona, sized by the view without its own filter), list, radar options, score boxes."""
    if not analysis.personas:
        return figures.empty(), None, [{"label": "All personas", "value": ALL}], ALL, figures.empty(), HIDDEN, None
    palette, _ = colours(analysis)
    personas = sorted(analysis.personas, key=lambda p: p.id)
    names = [p.name for p in personas]
    sizes = views.model_sizes(analysis, "personas", donut_keep)
    donut = figures.donut(names, sizes, palette, f"{sum(sizes):,}" if donut_keep is not None else f"{len(names)}",
                          "students" if donut_keep is not None else "personas", (filters or {}).get("persona"))
    exam = analysis.exam_column
    described = model_list(personas, palette, analysis.rows, "mean exam" if exam else None, in_view=sizes,
                           part_type=ids.PERSONA_LIST_PART)
    options = [{"label": "All personas", "value": ALL}] + [{"label": p.name, "value": str(p.id)} for p in personas]
    scores = views.exam_scores(analysis, keep)
    if scores is None:
        boxes, style = figures.empty(), HIDDEN
        score_note = note("No exam score column in this file, so there is no score distribution "
                          "(looked for Exam_Score, Final_Grade, G3).")
    else:
        boxes, style, score_note = figures.score_boxes(scores, palette, exam.replace("_", " ")), SHOWN, None
    return donut, described, options, ALL, boxes, style, score_note


def radar(analysis, selected: str | None, filters: dict | None = None):
    if not analysis.personas:
        return figures.empty()
    palette, _ = colours(analysis)
    chosen = next((p.name for p in analysis.personas if str(p.id) == selected), None)
    return figures.radar(views.centroids(analysis), palette, chosen, (filters or {}).get("persona"))


def register(app, store) -> None:
    # The radar's persona menu depends on the view alone: were it an output of the filter-driven callback below,
    # Dash would hold the radar back on every click until that callback answered (a second round trip).
    @app.callback(Output(ids.RADAR_PERSONA, "options"), Output(ids.RADAR_PERSONA, "value"), Input(ids.VIEW, "data"))
    def radar_menu(view):
        return persona_panels(request(store, view).analysis)[2:4]

    @app.callback(Output(ids.PERSONA_DONUT, "figure"), Output(ids.PERSONA_LIST, "children"),
                  Output(ids.SCORE_DISTRIBUTION, "figure"), Output(ids.SCORE_GRAPH, "style"),
                  Output(ids.SCORE_NOTE, "children"), Output({"type": ids.PERSONA_LIST_PART, "part": EVERY}, "children"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"))
    def show_personas(view, filters):
        req = request(store, view, filters=filters)
        donut, described, _, _, boxes, style, score_note = persona_panels(
            req.analysis, req.filters, req.keep(ignore=("persona",)), req.mask)
        described, sizes = in_place(described, ids.PERSONA_LIST_PART)  # a click rewrites the counts alone
        if filters_only():  # the score box's style and note do not depend on the filters
            return donut, described, boxes, no_update, no_update, sizes
        return donut, described, boxes, style, score_note, sizes

    @app.callback(Output(ids.PERSONA_RADAR, "figure"), Input(ids.VIEW, "data"), Input(ids.RADAR_PERSONA, "value"),
                  Input(ids.FILTERS, "data"))
    def show_radar(view, selected, filters):
        req = request(store, view, filters=filters)
        return radar(req.analysis, selected, req.filters)
