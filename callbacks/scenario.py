"""What-if sliders: the cohort in view, and one student on the profile card (their prediction, what moves
it, flags, their own sliders and the smallest change that lifts them above the pass mark)."""
from __future__ import annotations

from dash import ALL, Input, Output, State
from dash import ctx as dash_ctx
from dash.exceptions import PreventUpdate

from analytics.predict import change, explain, whatif
from analytics.predict import flags as early_warning
from analytics.predict.risk import NoModel
from components.figures import empty, pretty
from components.scenario import clipped_note, persona_chart, scenario_result, student_block

from .common import colours, keep
from .risk import context, exam_label, pass_mark, scored


def changes_from(ids: list[dict], values: list) -> dict[str, float]:
    return {i["role"]: float(v) for i, v in zip(ids, values) if v not in (None, "") and float(v) != 0}


def cohort_content(store, view, filters, mark_value, model_id, changes: dict[str, float]) -> tuple:
    """(result, per-persona chart, clipped note)."""
    try:
        analysis, ctx = context(store, view, model_id)
    except NoModel:
        return None, empty(), ""
    mark = pass_mark(ctx, mark_value)
    result = whatif.scenario(ctx, mark, changes, keep(store, analysis, filters))
    chart = persona_chart(result.by_persona, colours(analysis)[0]) if result.changes else empty()
    return scenario_result(result, mark, exam_label(ctx)), chart, clipped_note(result.clipped)


def student_content(store, view, row, mark_value, model_id):
    if row is None:
        return None
    try:
        analysis, ctx, scores = scored(store, view, model_id, mark_value)
    except NoModel:
        return None
    row = int(row)
    mark = scores.pass_mark
    risk = ctx.risk
    explanation = explain.explain(risk, ctx.X[row])
    words = [explain.explanation_words(item, pretty) for item in explanation]
    flags = early_warning.flags(analysis, scores, ctx)["reasons"].iat[row]
    predicted = float(ctx.predicted[row])
    if predicted >= risk.threshold(mark):
        smallest = f"Predicted at or above the pass mark of {mark:g} already."
    else:
        best = change.smallest_change(risk, ctx.X[row], predicted, mark, ctx.levers)
        smallest = ("No change within the ranges seen in this cohort lifts this student's prediction to "
                    f"{mark:g}: support beyond these factors is needed." if best is None else
                    f"Smallest change that lifts the prediction to {best['predicted']:.1f}: "
                    + "; ".join(best["words"]) + ".")
    prediction = {"predicted": predicted, "chance": float(scores.chance[row]), "pass_mark": mark,
                  "label": exam_label(ctx), "actual": None if scores.actual is None else float(scores.actual[row])}
    return student_block(prediction, explanation, words, flags, ctx.levers, smallest)


def student_whatif_content(store, view, row, mark_value, model_id, changes: dict[str, float]) -> str:
    if row is None or not changes:
        return ""
    try:
        analysis, ctx = context(store, view, model_id)
    except NoModel:
        return ""
    mark = pass_mark(ctx, mark_value)
    after, clipped = whatif.student_whatif(ctx.risk, ctx.X[int(row)], float(ctx.predicted[int(row)]), changes,
                                           ctx.levers)
    chance = float(ctx.risk.chance_below([after], mark)[0])
    held = f" ({', '.join(clipped)} held at the edge of the range seen)" if clipped else ""
    return f"With these changes: {after:.1f} predicted, {chance:.0%} chance of ending below {mark:g}{held}."


def register(app, store) -> None:
    @app.callback(Output("scenario-result", "children"), Output("scenario-persona", "figure"),
                  Output("scenario-note", "children"), Input({"type": "lever", "role": ALL}, "value"),
                  Input("filters", "data"), Input("pass-mark", "value"), State("view", "data"),
                  State("risk-model", "value"), State({"type": "lever", "role": ALL}, "id"))
    def show_scenario(values, filters, mark, view, model_id, ids):
        if not view:
            raise PreventUpdate
        return cohort_content(store, view, filters, mark, model_id, changes_from(ids, values))

    @app.callback(Output("profile-risk", "children"), Input("student", "data"), Input("pass-mark", "value"),
                  State("view", "data"), State("risk-model", "value"))
    def show_student_risk(row, mark, view, model_id):
        if not view:
            raise PreventUpdate
        return student_content(store, view, row, mark, model_id)

    @app.callback(Output("student-whatif", "children"), Input({"type": "student-lever", "role": ALL}, "value"),
                  State("student", "data"), State("pass-mark", "value"), State("view", "data"),
                  State("risk-model", "value"), State({"type": "student-lever", "role": ALL}, "id"))
    def show_student_whatif(values, row, mark, view, model_id, ids):
        if not view or not dash_ctx.triggered_id:
            raise PreventUpdate
        return student_whatif_content(store, view, row, mark, model_id, changes_from(ids, values))
