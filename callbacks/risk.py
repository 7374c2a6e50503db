"""The risk section: which model scores the dataset, the at-risk summary and model quality for the view,
fairness by group and the target-grade simulation."""
from __future__ import annotations

import numpy as np
from dash import Input, Output, State, no_update

from analytics.predict import fairness, targets
from analytics.predict import flags as early_warning
from analytics.predict.features import MIN_COVERAGE, coverage
from analytics.predict.risk import NoModel, score_cohort
from components.cards import note
from components.risk import HIDDEN, fairness_table, quality_table, summary, target_result
from components.scenario import sliders

from .common import SHOWN, keep, load, min_group


def context(store, view: dict | None, model_id: str | None):
    """(analysis, what-if context) for the view; raises NoModel when nothing can score it."""
    analysis = load(store, view)
    own = bool(analysis.exam_column)
    ctx = store.whatif(view["dataset_id"], None if own else model_id, view.get("personas", 5))
    return analysis, ctx


def scored(store, view: dict | None, model_id: str | None, mark_value):
    """(analysis, what-if context, the cohort scored at the pass mark); raises NoModel. The scores are kept in
    the context per pass mark, so every panel asking for them after a click reuses one computation."""
    analysis, ctx = context(store, view, model_id)
    scores = score_cohort(ctx.risk, analysis, pass_mark(ctx, mark_value), predicted=ctx.predicted, memo=ctx.memo)
    return analysis, ctx, scores


def pass_mark(ctx, value) -> float:
    return ctx.risk.default_pass_mark if value in (None, "") else float(value)


def exam_label(ctx) -> str:
    return ctx.risk.exam_column.replace("_", " ")


def usable_models(store, analysis) -> list[tuple[str, str, float]]:
    """(dataset id, file name, coverage) of earlier models that can score this file, best match first."""
    found = []
    for dataset_id, name in store.models():
        if dataset_id == analysis.dataset_id:
            continue
        share = coverage(store.risk(dataset_id).spec, analysis)
        if share >= MIN_COVERAGE:
            found.append((dataset_id, name, share))
    return sorted(found, key=lambda item: -item[2])


def setup(store, view: dict | None, current: str | None) -> tuple:
    """(model options, model value, model box style, status, sliders, pass-mark placeholder, fairness options,
    fairness value) when the dataset changes."""
    analysis = load(store, view)
    groups = [(c, label) for c, label in ((analysis.gender_column, "Gender"), (analysis.school_column, "School type"))
              if c]
    fair_options = [{"label": label, "value": c} for c, label in groups]
    fair_value = groups[0][0] if groups else None
    options, value, box = [], None, HIDDEN
    if not analysis.exam_column:
        models = usable_models(store, analysis)
        options = [{"label": f"{name} ({share:.0%} of its columns here)", "value": d} for d, name, share in models]
        value = current if current in {d for d, _, _ in models} else (models[0][0] if models else None)
        box = SHOWN
        if not models:
            return (options, value, box, note("This file has no exam scores, so no risk model can learn from it, "
                                              "and no earlier upload's model shares at least half of its columns. "
                                              "Upload an earlier file of the same layout with exam scores first; its "
                                              "model can then score this cohort."), [], "auto", fair_options,
                    fair_value)
    try:
        _, ctx = context(store, view, value)
    except NoModel as err:
        return options, value, box, note(f"No risk model: {err}."), [], "auto", fair_options, fair_value
    status = (note(f"Scores are predicted by the model learnt from {ctx.risk.filename}: this file has no exam "
                   "scores.") if not analysis.exam_column else None)
    return (options, value, box, status, sliders(ctx.levers), f"{ctx.risk.default_pass_mark:g}", fair_options,
            fair_value)


def summary_content(store, view, filters, mark_value, model_id):
    """The at-risk summary for the students in view."""
    try:
        analysis, ctx, scores = scored(store, view, model_id, mark_value)
    except NoModel:
        return None
    mark = scores.pass_mark
    mask = keep(store, analysis, filters)
    flags = early_warning.flags(analysis, scores, ctx)
    reason = ctx.risk.pass_mark_reason if mark_value in (None, "") else "set by you"
    return summary(int(scores.at_risk[mask].sum()), int(mask.sum()), mark, reason,
                   float(scores.predicted[mask].mean()) if mask.any() else 0.0, scores.predicted_only,
                   exam_label(ctx), int(flags["early_warning"].to_numpy()[mask].sum()))


def quality_content(store, view, mark_value, model_id):
    """The model's cross-validated quality beside the baselines (the whole cohort it learnt from: filters do
    not change it, so it is not redrawn on a cross-filter)."""
    try:
        analysis, ctx = context(store, view, model_id)
    except NoModel:
        return None
    mark = pass_mark(ctx, mark_value)
    risk = ctx.risk
    y = store.analysis(risk.dataset_id).students[risk.exam_column].to_numpy(dtype=float)[risk.cv.rows_used]
    fitted = (f"learnt from {risk.filename}" if risk.dataset_id != analysis.dataset_id else
              f"{len(risk.spec.columns)} pre-exam columns, fitted in {risk.fit_seconds:.1f} s")
    return quality_table(risk.cv.metrics(y, risk.threshold(mark)), risk.cv.rows, risk.cv.folds, fitted)


def fairness_content(store, view, by, mark_value, model_id):
    try:
        analysis, _, scores = scored(store, view, model_id, mark_value)
    except NoModel:
        return None
    if not by:
        return fairness_table(None, "")
    label = "Gender" if by == analysis.gender_column else "School type"
    return fairness_table(fairness.fairness(analysis, scores, by, max(1, min_group())), label)


def target_content(store, view, filters, target, model_id, mark_value):
    analysis = load(store, view)
    try:
        scores = scored(store, view, model_id, mark_value)[2]
    except NoModel:
        scores = None
    if target in (None, ""):
        subjects = targets.subject_columns(analysis)
        values = (analysis.students[analysis.exam_column].to_numpy(dtype=float) if analysis.exam_column else
                  scores.predicted if scores is not None else
                  analysis.students[subjects[0]].to_numpy(dtype=float) if subjects else None)
        if values is None:
            return target_result({"subjects": []}), no_update
        target = float(np.ceil(np.quantile(values, 0.5)))  # start at the median: half the cohort to lift
        return target_result(targets.target_simulation(analysis, target, keep(store, analysis, filters),
                                                             scores)), target
    return target_result(targets.target_simulation(analysis, float(target), keep(store, analysis, filters),
                                                         scores)), no_update


def register(app, store) -> None:
    @app.callback(Output("risk-model", "options"), Output("risk-model", "value"), Output("risk-model-box", "style"),
                  Output("risk-status", "children"), Output("scenario-sliders", "children"),
                  Output("pass-mark", "placeholder"), Output("fairness-by", "options"), Output("fairness-by", "value"),
                  Input("view", "data"), State("risk-model", "value"))
    def show_setup(view, current):
        return setup(store, view, current)

    @app.callback(Output("pass-mark", "value"), Input("view", "data"), State("pass-mark", "value"),
                  prevent_initial_call=True)
    def reset_pass_mark(view, current):
        # a new dataset starts from its own default pass mark
        return None if current not in (None, "") else no_update

    @app.callback(Output("risk-summary", "children"), Input("view", "data"), Input("filters", "data"),
                  Input("pass-mark", "value"), Input("risk-model", "value"))
    def show_summary(view, filters, mark, model_id):
        return summary_content(store, view, filters, mark, model_id)

    @app.callback(Output("risk-quality-box", "children"), Input("view", "data"), Input("pass-mark", "value"),
                  Input("risk-model", "value"))
    def show_quality(view, mark, model_id):
        return quality_content(store, view, mark, model_id)

    @app.callback(Output("fairness-table", "children"), Input("view", "data"), Input("fairness-by", "value"),
                  Input("pass-mark", "value"), Input("risk-model", "value"))
    def show_fairness(view, by, mark, model_id):
        return fairness_content(store, view, by, mark, model_id)

    @app.callback(Output("target-result", "children"), Output("target-score", "value"), Input("view", "data"),
                  Input("filters", "data"), Input("target-score", "value"), Input("risk-model", "value"),
                  State("pass-mark", "value"))
    def show_target(view, filters, target, model_id, mark):
        return target_content(store, view, filters, target, model_id, mark)
