"""The risk model's quality in figures and words: the `risk` block of `summarize --json`, and the verdict the
model-quality panel and the report print (each metric against the strongest baseline on it, by name).

Every figure is out of fold, on the cross-validated students, and carries the number of students it rests
on; on fewer than calibration.SMALL students a warning says how far the figures could move.
"""
from __future__ import annotations

import numpy as np

from analytics.predict.calibration import SMALL, differences, reliability
from analytics.predict.chances import evaluation_at
from analytics.predict.passfail import LABELS, Evaluation
from analytics.predict.risk import RiskModel, model_name, score_cohort
from analytics.results import Analysis

BASELINE_WORDS = {"majority": "the majority class", "previous": "the previous score alone",
                  "mean": "predicting the mean"}
METRIC_WORDS = {"accuracy": "accuracy", "auc": "AUC", "brier": "Brier score"}
AS_WELL = "The previous score alone predicts this as well"


def figure(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" if metric == "accuracy" else f"{value:.3f}"


def comparisons(ev: Evaluation) -> dict[str, dict]:
    """Per metric: the strongest baseline on it, both values, and the paired difference (chosen - baseline)
    with its 95 % interval and verdict ("better", "same", "worse")."""
    out = {}
    chosen = ev.chosen
    for metric, base in ev.strongest().items():
        ours, theirs = getattr(ev.qualities[chosen], metric), getattr(ev.qualities[base], metric)
        row = {"baseline": base, "model": ours, "baseline_value": theirs, "difference": 0.0, "ci": [0.0, 0.0],
               "verdict": "same"}
        if base != chosen:
            found = differences(ev.below, (ev.chances[chosen], ev.decisions[chosen]),
                                (ev.chances[base], ev.decisions[base]), other_ranks=base != "majority").get(metric)
            if found is not None:
                row.update(difference=found.value, ci=list(found.ci), verdict=found.verdict)
        out[metric] = row
    return out


def previous_as_well(ev: Evaluation) -> bool:
    """True when the chosen approach beats the previous score alone on none of the three metrics."""
    if "previous" not in ev.qualities:
        return False
    if ev.chosen == "previous":
        return True
    found = differences(ev.below, (ev.chances[ev.chosen], ev.decisions[ev.chosen]),
                        (ev.chances["previous"], ev.decisions["previous"]))
    return not any(d.verdict == "better" for d in found.values())


def verdict(ev: Evaluation, regression: dict) -> list[str]:
    """The verdict in sentences: the headline, the chance's source, each metric against its strongest
    baseline, the typical error against the stronger of the score baselines, and a small-sample warning."""
    q = ev.qualities[ev.chosen]
    lines = []
    if previous_as_well(ev):
        lines.append(AS_WELL + (": the chances shown come from it." if ev.chosen == "previous" else
                                f"; the {LABELS[ev.chosen].lower()} does not beat it on accuracy, AUC or Brier "
                                "score."))
    lines.append(f"Chance below the pass mark from: {LABELS[ev.chosen].lower()}, {ev.reason}"
                 + (", on the same folds." if ev.refitted else
                    "; at this pass mark only the approaches that need no refitting are compared, on the same "
                    "folds."))
    parts = []
    for metric, row in comparisons(ev).items():
        word = ("the approach in use" if row["baseline"] == ev.chosen else
                {"better": "better", "same": "no different within the noise", "worse": "worse"}[row["verdict"]])
        parts.append(f"{METRIC_WORDS[metric]} {figure(metric, row['model'])} against "
                     f"{figure(metric, row['baseline_value'])} for {BASELINE_WORDS[row['baseline']]} ({word})")
    lines.append("Against the strongest baseline on each metric: " + "; ".join(parts) + f" (n = {q.n:,}).")
    scored = {name: m for name, m in regression.items() if name != "model"}
    if scored:
        name, best = min(scored.items(), key=lambda item: item[1].mae)
        label = BASELINE_WORDS["mean" if name == "baseline_mean" else "previous"]
        lines.append(f"Typical error {regression['model'].mae:.2f} points against {best.mae:.2f} for {label}, "
                     "the stronger baseline on the score.")
    warning = small_sample_warning(ev)
    if warning:
        lines.append(warning)
    return lines


def small_sample_warning(ev: Evaluation) -> str | None:
    """On a small file, how far the figures could move: the half-width of the accuracy's interval."""
    q = ev.qualities[ev.chosen]
    if q.n >= SMALL:
        return None
    spread = (q.accuracy_ci[1] - q.accuracy_ci[0]) / 2
    return (f"Only {q.n:,} students ({q.below:,} below the pass mark): on another group this size the accuracy "
            f"could differ by about ±{spread:.0%}, so differences inside the intervals are not real.")


def quality_block(risk: RiskModel, mark: float, memo: dict | None = None) -> dict:
    """The `cv` and `passfail` parts of the summary at `mark` (what the panel draws, as data)."""
    ev = evaluation_at(risk, mark, memo)
    regression = risk.cv.metrics(risk.cv.y, risk.threshold(mark))
    cv = {"folds": risk.cv.folds, "rows": risk.cv.rows,
          "model": {"mae": regression["model"].mae, "rmse": regression["model"].rmse,
                    **ev.qualities[ev.chosen].to_dict(), "approach": ev.chosen},
          "baseline_mean": {"mae": regression["baseline_mean"].mae, "rmse": regression["baseline_mean"].rmse,
                            **ev.qualities["majority"].to_dict()}}
    if "baseline_previous" in regression:
        cv["baseline_previous"] = {"mae": regression["baseline_previous"].mae,
                                   "rmse": regression["baseline_previous"].rmse,
                                   **(ev.qualities["previous"].to_dict() if "previous" in ev.qualities else {})}
    for name in ev.candidates:
        if name != "previous":
            cv[name] = ev.qualities[name].to_dict()
    passfail = {"chosen": ev.chosen, "label": LABELS[ev.chosen], "reason": ev.reason, "selected_by": "brier",
                "pass_mark": ev.mark, "fitted_for": None if risk.passfail is None else risk.passfail.mark,
                "refitted": ev.refitted, "strongest": ev.strongest(), "comparisons": comparisons(ev),
                "previous_as_well": previous_as_well(ev), "verdict": verdict(ev, regression),
                "reliability": reliability(ev.chances[ev.chosen], ev.below),
                "small_sample": ev.qualities[ev.chosen].n < SMALL}
    return {"cv": cv, "passfail": passfail, "evaluation": ev}


def cv_summary(risk: RiskModel, analysis: Analysis, pass_mark: float | None = None) -> dict:
    """The `risk` block of `summarize --json`: pass mark, at-risk count and the cross-validated metrics.
    `analysis` is the file the model learnt from (even when, as on the command line, it has no dataset id)."""
    mark = risk.default_pass_mark if pass_mark is None else float(pass_mark)
    own = (risk.out_of_fold is not None and len(risk.out_of_fold) == analysis.rows
           and (not risk.dataset_id or not analysis.dataset_id or risk.dataset_id == analysis.dataset_id))
    learnt = np.clip(risk.out_of_fold, *risk.score_range) if own else None
    scores = score_cohort(risk, analysis, mark, predicted=learnt, own=own)
    block = quality_block(risk, mark)
    return {"pass_mark": mark, "pass_mark_reason": risk.pass_mark_reason if pass_mark is None else "set by the user",
            "at_risk": scores.at_risk_count, "students": analysis.rows, "model_type": model_name(risk.model),
            "features": list(risk.spec.columns), "fit_seconds": risk.fit_seconds, "sampled": risk.sampled,
            "cv": block["cv"], "passfail": block["passfail"]}
