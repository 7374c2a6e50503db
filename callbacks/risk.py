"""The risk section: which model scores the dataset, the at-risk summary and model quality for the view,
fairness by group and the target-grade simulation."""
from __future__ import annotations

import numpy as np
from dash import ALL, Input, Output, State, ctx, no_update

from analytics.predict import fairness, targets
from analytics.predict import flags as early_warning
from analytics.predict.risk_summary import quality_block
from components import ids
from components.cards import note
from components.risk import HIDDEN, fairness_table, summary, target_result
from components.risk_quality import quality_panel
from components.scenario import sliders

from .common import SHOWN, min_group
from .context import request, usable_models, waiting


def setup(store, view: dict | None, current: str | None) -> dict:
    """The Scored-by menu and the fairness choice when the dataset changes or a job finishes. A file without
    exam scores keeps the user's pick while it still qualifies and otherwise has none: a model is never
    chosen for the user (the synthetic demo's was, for files it barely fitted)."""
    analysis = request(store, view).analysis
    groups = [(c, label) for c, label in ((analysis.gender_column, "Gender"), (analysis.school_column, "School type"))
              if c]
    out = {"options": [], "value": None, "box": HIDDEN, "fair_value": groups[0][0] if groups else None,
           "fair_options": [{"label": label, "value": c} for c, label in groups]}
    if not analysis.exam_column:
        models = usable_models(store, analysis)
        out["options"] = [{"label": f"{s.filename} ({share:.0%} of its columns here)", "value": s.dataset_id}
                          for s, share in models]
        out["value"] = current if current in {s.dataset_id for s, _ in models} else None
        out["box"] = SHOWN if models else HIDDEN  # an empty "Scored by" menu only puzzles; the status says why
    return out


def model_state(store, view: dict | None, model_id: str | None, levers_set: dict | None = None,
                subject: str | None = None) -> dict:
    """The status line, the what-if sliders and the pass-mark placeholder for the model in use. It takes the
    menu's value as an input, so the status names the chosen model as soon as it is picked. `levers_set`
    (role -> value) keeps what the user had set on the what-if sliders when they are redrawn for the same
    factors (a finished background job, say)."""
    req = request(store, view, model_id=model_id, subject=subject, need=("risk",))
    own = bool(req.analysis.exam_column)
    if req.missing:
        status = waiting(req) or note(f"No risk model: {req.missing.reason}." if own else req.missing.reason)
        return {"status": status, "sliders": [], "placeholder": "auto"}
    status = (None if own else note(f"Scores are predicted by the model learnt from {req.model.risk.filename}: "
                                    "this file has no exam scores."))
    return {"status": status, "sliders": sliders(req.model.levers, values=levers_set),
            "placeholder": f"{req.model.risk.default_pass_mark:g}"}


# Not display:none: the intervention grid inside keeps its width, so AG Grid's resize handler never tries to
# fit its columns into zero pixels (a console warning each time the panels hide).
COLLAPSED = {"visibility": "hidden", "height": 0, "overflow": "hidden"}


def panels_style(store, view, model_id) -> tuple[dict, dict]:
    """(risk panels, fairness card) styles: hidden when no model can score the file, so it does not leave
    blank cards and an empty grid (the status line above says what the file lacks); shown while one is fitted."""
    req = request(store, view, model_id=model_id, need=("risk",))
    shown = req.missing is None or req.missing.pending
    return (SHOWN, SHOWN) if shown else (COLLAPSED, HIDDEN)


def summary_content(store, view, filters, mark_value, model_id, subject=None):
    """The at-risk summary for the students in view (of one subject's model, when a subject is picked)."""
    req = request(store, view, filters=filters, model_id=model_id, mark=mark_value, subject=subject,
                  need=("scores",))
    if req.missing:
        return waiting(req)
    scores, mask = req.scores, req.mask
    flags = early_warning.flags(req.analysis, scores, req.model)
    return summary(int(scores.at_risk[mask].sum()), int(mask.sum()), req.mark, req.mark_reason,
                   float(scores.predicted[mask].mean()) if mask.any() else 0.0, scores.predicted_only,
                   req.exam_label, int(flags["early_warning"].to_numpy()[mask].sum()), scores.approach)


def quality_content(store, view, mark_value, model_id, subject=None):
    """The model's cross-validated quality beside the baselines (the whole cohort it learnt from: filters do
    not change it, so it is not redrawn on a cross-filter), at the pass mark in use. While the model is fitted
    the summary above says so."""
    req = request(store, view, model_id=model_id, mark=mark_value, subject=subject, need=("risk",))
    if req.missing:
        return None
    risk = req.model.risk
    fitted = (f"learnt from {risk.filename}" if risk.dataset_id != req.dataset_id else
              f"{len(risk.spec.columns)} pre-exam columns, fitted in {risk.fit_seconds:.1f} s")
    if risk.subject:
        fitted = (f"{risk.subject} marks; " + fitted + (f"; {risk.left_out:,} students with no {risk.subject} mark "
                  "were left out of fitting and are scored by the final model" if risk.left_out else ""))
    block = quality_block(risk, req.mark, memo=req.model.memo)
    return quality_panel(block["cv"], block["passfail"], fitted)


def fairness_content(store, view, by, mark_value, model_id):
    req = request(store, view, model_id=model_id, mark=mark_value, need=("scores",))
    if req.missing:
        return waiting(req)
    if not by:
        return fairness_table(None, "")
    label = "Gender" if by == req.analysis.gender_column else "School type"
    return fairness_table(fairness.fairness(req.analysis, req.scores, by, max(1, min_group())), label)


def target_content(store, view, filters, target, model_id, mark_value):
    """The target-grade simulation; it runs without a model too (on exam or subject scores)."""
    req = request(store, view, filters=filters, model_id=model_id, mark=mark_value, need=("scores",))
    analysis, scores = req.analysis, req.scores
    if target in (None, ""):
        subjects = targets.subject_columns(analysis)
        values = (analysis.students[analysis.exam_column].to_numpy(dtype=float) if analysis.exam_column else
                  scores.predicted if scores is not None else
                  analysis.students[next(iter(subjects.values()))].to_numpy(dtype=float) if subjects else None)
        if values is None:
            return target_result({"subjects": []}), no_update
        target = float(np.ceil(np.nanquantile(values, 0.5)))  # start at the median: half the cohort to lift
        return target_result(targets.target_simulation(analysis, target, req.mask, scores)), target
    return target_result(targets.target_simulation(analysis, float(target), req.mask, scores)), no_update


def register(app, store) -> None:
    # every panel that needs the risk model also listens to JOBS_READY: it redraws when the fit finishes
    # The Scored-by menu and the pass mark are shared settings (every tab); the fairness choice is the Risk tab's.
    @app.callback(output={"options": Output(ids.RISK_MODEL, "options"), "value": Output(ids.RISK_MODEL, "value"),
                          "box": Output(ids.RISK_MODEL_BOX, "style")},
                  inputs={"view": Input(ids.VIEW, "data"), "_jobs": Input(ids.JOBS_READY, "data")},
                  state={"current": State(ids.RISK_MODEL, "value")})
    def show_setup(view, _jobs, current):
        menu = setup(store, view, current)
        return {key: menu[key] for key in ("options", "value", "box")}

    @app.callback(Output(ids.FAIRNESS_BY, "options"), Output(ids.FAIRNESS_BY, "value"), Input(ids.VIEW, "data"))
    def show_fairness_choice(view):
        menu = setup(store, view, None)
        return menu["fair_options"], menu["fair_value"]

    @app.callback(Output(ids.RISK_PANELS, "style"), Output(ids.FAIRNESS_BOX, "style"), Input(ids.VIEW, "data"),
                  Input(ids.RISK_MODEL, "value"), Input(ids.JOBS_READY, "data"))
    def show_panels(view, model_id, _jobs):
        return panels_style(store, view, model_id)

    # the menu's value is an input here, not state: read as state, the status kept naming the last model
    # until the view changed
    @app.callback(output={"status": Output(ids.RISK_STATUS, "children"),
                          "sliders": Output(ids.SCENARIO_SLIDERS, "children")},
                  inputs={"view": Input(ids.VIEW, "data"), "model_id": Input(ids.RISK_MODEL, "value"),
                          "subject": Input(ids.SUBJECT, "value"), "_jobs": Input(ids.JOBS_READY, "data")},
                  state={"lever_ids": State({"type": ids.LEVER, "role": ALL}, "id"),
                         "lever_values": State({"type": ids.LEVER, "role": ALL}, "value")})
    def show_model_state(view, model_id, subject, _jobs, lever_ids, lever_values):
        same_view = ctx.triggered_id in (ids.JOBS_READY, ids.SUBJECT)  # a subject's model has the same levers
        kept = {i["role"]: v for i, v in zip(lever_ids or [], lever_values or [])} if same_view else None
        state = model_state(store, view, model_id, kept, subject)
        return {"status": state["status"], "sliders": state["sliders"]}

    @app.callback(Output(ids.PASS_MARK, "placeholder"), Input(ids.VIEW, "data"), Input(ids.RISK_MODEL, "value"),
                  Input(ids.SUBJECT, "value"), Input(ids.JOBS_READY, "data"))
    def show_pass_mark_default(view, model_id, subject, _jobs):
        return model_state(store, view, model_id, None, subject)["placeholder"]

    # the pass mark's value belongs to the view state (callbacks/filters.py): the URL carries it, and a new
    # upload starts from its own default
    @app.callback(Output(ids.RISK_SUMMARY, "children"), Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"),
                  Input(ids.PASS_MARK, "value"), Input(ids.RISK_MODEL, "value"), Input(ids.SUBJECT, "value"),
                  Input(ids.JOBS_READY, "data"))
    def show_summary(view, filters, mark, model_id, subject, _jobs):
        return summary_content(store, view, filters, mark, model_id, subject)

    @app.callback(Output(ids.RISK_QUALITY_BOX, "children"), Input(ids.VIEW, "data"), Input(ids.PASS_MARK, "value"),
                  Input(ids.RISK_MODEL, "value"), Input(ids.SUBJECT, "value"), Input(ids.JOBS_READY, "data"))
    def show_quality(view, mark, model_id, subject, _jobs):
        return quality_content(store, view, mark, model_id, subject)

    @app.callback(Output(ids.FAIRNESS_TABLE, "children"), Input(ids.VIEW, "data"), Input(ids.FAIRNESS_BY, "value"),
                  Input(ids.PASS_MARK, "value"), Input(ids.RISK_MODEL, "value"), Input(ids.JOBS_READY, "data"))
    def show_fairness(view, by, mark, model_id, _jobs):
        return fairness_content(store, view, by, mark, model_id)

    @app.callback(Output(ids.TARGET_RESULT, "children"), Output(ids.TARGET_SCORE, "value"),
                  Input(ids.VIEW, "data"), Input(ids.FILTERS, "data"), Input(ids.TARGET_SCORE, "value"),
                  Input(ids.RISK_MODEL, "value"), Input(ids.JOBS_READY, "data"), State(ids.PASS_MARK, "value"))
    def show_target(view, filters, target, model_id, _jobs, mark):
        return target_content(store, view, filters, target, model_id, mark)
