"""What-if sliders: the cohort in view, and one student on the profile card (their prediction, what moves
it, flags, their own sliders and the smallest change that lifts them above the pass mark)."""
from __future__ import annotations

import numpy as np
from dash import ALL, Input, Output, State
from dash import ctx as dash_ctx
from dash.exceptions import PreventUpdate

from analytics.predict import change, explain, whatif
from analytics.predict.chances import after_change
from analytics.predict import flags as early_warning
from components import ids
from components.figures import empty, pretty
from components.scenario import clipped_note, persona_chart, scenario_result, student_block

from .common import HIDDEN, colours
from .context import request, waiting

CHART = {"height": "220px"}


def changes_from(lever_ids: list[dict], values: list) -> dict[str, float]:
    return {i["role"]: float(v) for i, v in zip(lever_ids, values) if v not in (None, "") and float(v) != 0}


def cohort_content(store, view, filters, mark_value, model_id, changes: dict[str, float],
                   subject: str | None = None) -> tuple:
    """(result, per-persona chart, clipped note), on one subject's model when a subject is picked."""
    req = request(store, view, filters=filters, model_id=model_id, mark=mark_value, subject=subject,
                  need=("scores",))
    if req.missing:
        return waiting(req), empty(), ""
    result = whatif.scenario(req.model, req.mark, changes, req.mask, scores=req.scores)
    chart = persona_chart(result.by_persona, colours(req.analysis)[0]) if result.changes else empty()
    note = clipped_note(result.clipped)
    if result.changes and req.scores.approach == "previous":
        note = ("Who is below the pass mark comes from the previous score alone, which no slider moves; the "
                "predicted score above still does. " + note).strip()
    return scenario_result(result, req.mark, req.exam_label), chart, note


def student_content(store, view, row, mark_value, model_id, subject: str | None = None):
    if row is None:
        return None
    req = request(store, view, model_id=model_id, mark=mark_value, subject=subject, need=("scores",))
    if req.missing:
        return waiting(req)
    row = int(row)
    mark, risk, ctx, scores = req.mark, req.model.risk, req.model, req.scores
    explanation = explain.explain(risk, ctx.X[row])
    words = [explain.explanation_words(item, pretty) for item in explanation]
    flags = early_warning.flags(req.analysis, scores, ctx)["reasons"].iat[row]
    predicted = float(ctx.predicted[row])
    if predicted >= max(mark, risk.threshold(mark)):
        smallest = f"Predicted at or above the pass mark of {mark:g} already."
    elif predicted >= risk.threshold(mark):  # whole-number scores: 65.6 most likely ends at 66
        smallest = (f"Predicted {predicted:.1f}, which rounds to {round(predicted):g}: at or above the pass mark "
                    f"of {mark:g} already.")
    else:
        best = change.smallest_change(risk, ctx.X[row], predicted, mark, ctx.levers)
        smallest = ("No change within the ranges seen in this cohort lifts this student's prediction to "
                    f"{mark:g}: support beyond these factors is needed." if best is None else
                    f"Smallest change that lifts the prediction to {best['predicted']:.1f}: "
                    + "; ".join(best["words"]) + ".")
    actual = None if scores.actual is None or np.isnan(scores.actual[row]) else float(scores.actual[row])
    prediction = {"predicted": predicted, "chance": float(scores.chance[row]), "pass_mark": mark,
                  "label": req.exam_label, "actual": actual}  # None: no exam score, or no mark in this subject
    return student_block(prediction, explanation, words, flags, ctx.levers, smallest)


def student_whatif_content(store, view, row, mark_value, model_id, changes: dict[str, float],
                           subject: str | None = None) -> str:
    if row is None or not changes:
        return ""
    req = request(store, view, model_id=model_id, mark=mark_value, subject=subject, need=("scores",))
    if req.missing:
        return ""
    ctx, mark, row = req.model, req.mark, int(row)
    after, clipped = whatif.student_whatif(ctx.risk, ctx.X[row], float(ctx.predicted[row]), changes, ctx.levers)
    moved, _ = whatif.apply(ctx.X[row][None, :], ctx.levers, changes)
    chance = float(after_change(ctx.risk, mark, req.scores.approach, ctx.X[row][None, :], moved,
                                ctx.predicted[row:row + 1], np.array([after]), req.scores.chance[row:row + 1])[0])
    edges = [f"{lever.label} held at {lever.high if changes[lever.role] > 0 else lever.low:g}, the "
             f"{'top' if changes[lever.role] > 0 else 'bottom'} of the range seen"
             for lever in ctx.levers if lever.label in clipped]
    held = f" ({'; '.join(edges)})" if edges else ""
    return f"With these changes: {after:.1f} predicted, {chance:.0%} chance of ending below {mark:g}{held}."


def register(app, store) -> None:
    @app.callback(Output(ids.SCENARIO_RESULT, "children"), Output(ids.SCENARIO_PERSONA, "figure"),
                  Output(ids.SCENARIO_NOTE, "children"), Output(ids.SCENARIO_PERSONA, "style"),
                  Input({"type": ids.LEVER, "role": ALL}, "value"),
                  Input(ids.FILTERS, "data"), Input(ids.PASS_MARK, "value"), Input(ids.SUBJECT, "value"),
                  Input(ids.JOBS_READY, "data"), State(ids.VIEW, "data"), State(ids.RISK_MODEL, "value"),
                  State({"type": ids.LEVER, "role": ALL}, "id"))
    def show_scenario(values, filters, mark, subject, _jobs, view, model_id, lever_ids):
        changes = changes_from(lever_ids, values)
        # the per-persona chart stays folded until a slider moves, rather than an empty 220 px box
        return (*cohort_content(store, view, filters, mark, model_id, changes, subject),
                CHART if changes else HIDDEN)

    @app.callback(Output(ids.PROFILE_RISK, "children"), Input(ids.STUDENT, "data"), Input(ids.PASS_MARK, "value"),
                  Input(ids.SUBJECT, "value"), Input(ids.JOBS_READY, "data"), State(ids.VIEW, "data"),
                  State(ids.RISK_MODEL, "value"))
    def show_student_risk(row, mark, subject, _jobs, view, model_id):
        if not view or (row is None and dash_ctx.triggered_id != ids.STUDENT):
            raise PreventUpdate  # no card open: a new pass mark or a finished job changes nothing shown
        return student_content(store, view, row, mark, model_id, subject)

    @app.callback(Output(ids.STUDENT_WHATIF, "children"), Input({"type": ids.STUDENT_LEVER, "role": ALL}, "value"),
                  Input(ids.JOBS_READY, "data"), State(ids.STUDENT, "data"), State(ids.PASS_MARK, "value"),
                  State(ids.VIEW, "data"), State(ids.RISK_MODEL, "value"), State(ids.SUBJECT, "value"),
                  State({"type": ids.STUDENT_LEVER, "role": ALL}, "id"))
    def show_student_whatif(values, _jobs, row, mark, view, model_id, subject, lever_ids):
        if not view or not dash_ctx.triggered_id:
            raise PreventUpdate
        return student_whatif_content(store, view, row, mark, model_id, changes_from(lever_ids, values), subject)
