"""A report from an analysis and a view, fitting the risk model when the caller has none (the command line);
the dashboard passes its stored model and what-if context instead."""
from __future__ import annotations

import dataclasses

import numpy as np

from analytics.compare.benchmark import benchmark
from analytics.compare.reference import Reference
from analytics.compare.school import from_analysis
from analytics.insights.ai_switch import ai_key
from analytics.report.gather import ReportData, gather
from analytics.results import Analysis


def fitted(analysis: Analysis):
    """(risk model, what-if context, note): the model of the file's outcome, or None and why not."""
    from analytics.predict.features import encode
    from analytics.predict.risk import NoModel, fit_risk, predicted_scores
    from analytics.predict.whatif import Context, levers

    if not analysis.exam_column:
        return None, None, "this file has no exam scores to learn from"
    try:
        risk = fit_risk(analysis)
    except NoModel as err:
        return None, None, str(err)
    X = encode(risk.spec, analysis)
    # the what-if context without the fold models' uncertainty band (whatif.prepare's slowest part): the report
    # reads the predictions, flags and levers, and draws no what-if
    ctx = Context(risk, X, predicted_scores(risk, analysis, X), risk.model.predict(X), np.arange(0), [],
                  levers(risk, X), None)
    return risk, ctx, ""


def school_view(analysis: Analysis, keep: np.ndarray):
    """The benchmark's view of the school, cut to the students in view."""
    school = from_analysis(analysis)
    measured = [dataclasses.replace(v, values=v.values[keep]) for v in school.measured]
    return dataclasses.replace(school, frame=school.frame.loc[keep].reset_index(drop=True), measured=measured)


def build(analysis: Analysis, keep: np.ndarray | None = None, *, view: list[str] | None = None,
          include_students: bool = False, reference: Reference | None = None, risk=None, ctx=None,
          risk_note: str = "", school: str | None = None) -> ReportData:
    keep = np.ones(analysis.rows, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    if risk is None and not risk_note:
        risk, ctx, risk_note = fitted(analysis)
    compared, note = None, ""
    if reference is not None:
        result = benchmark(school_view(analysis, keep), reference)
        compared = result.to_dict()
        if not result.comparisons:
            compared, note = None, (f"No figure of {reference.filename} matches this file's subjects and groups"
                                    + (f" ({result.skipped[0]['reason']})" if result.skipped else "") + ".")
    from analytics.insights.facts import view_facts
    from analytics.insights.gemini import insights

    data = gather(analysis, keep, view=view, risk=risk, ctx=ctx, risk_note=risk_note, benchmark=compared,
                  benchmark_note=note, include_students=include_students,
                  insights=None)
    key = ai_key(school)
    if key:  # Gemini writes from the same aggregates (never a row); the built-in engine when it fails
        data.insights = insights(view_facts(analysis, keep, data.min_group), key=key)
    return data
