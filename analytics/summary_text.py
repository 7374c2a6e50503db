"""The text `summarize` prints without --json: mapping, subjects, personas, trajectories, outliers, risk."""
from __future__ import annotations

from analytics.models.clustering import SILHOUETTE_SAMPLE
from analytics.results import Analysis


def silhouette_students(result: Analysis) -> int:
    """The students a silhouette is measured on: every one up to SILHOUETTE_SAMPLE, a seeded sample above."""
    return min(result.rows, SILHOUETTE_SAMPLE)


def _on(result: Analysis) -> str:
    n = silhouette_students(result)
    return f", on {n:,} of {result.rows:,} students" if n < result.rows else f", on all {n:,} students"


def print_summary(result: Analysis) -> None:
    print(f"{result.filename}" + (f", sheet '{result.sheet}'" if result.sheet else "") + f": {result.rows:,} students")
    print("\nColumn mapping (role -> column):")
    for role, column in result.mapping.items():
        print(f"  {role:<22} {column}")
    for column, reason in result.unmapped.items():
        print(f"  {'(not mapped)':<22} {column}: {reason}")
    columns = result.column_map
    if columns is not None and columns.subjects:
        print("\nSubjects (name, column, scale):")
        for subject in columns.subjects:
            used = "" if subject.name in result.subject_columns else " (not used: see warnings)"
            print(f"  {subject.name:<22} {subject.column}, {subject.scale.label}{used}")
        print(f"  outcome: {result.exam_column}")
    if columns is not None and columns.identifiers:
        print("\nIdentifiers (shown to staff, never modelled): " + ", ".join(result.identifier_columns))
    if columns is not None and columns.ignored:
        print("\nIgnored columns:")
        for column, reason in columns.ignored.items():
            print(f"  {column}: {reason}")
    print("\nImputed cells: " + (", ".join(f"{c} {n}" for c, n in result.imputed.items()) or "none"))
    if result.personas:
        print(f"\nPersonas (silhouette {result.silhouette.get('personas', float('nan')):.3f}{_on(result)}):")
        for p in result.personas:
            score = "" if p.mean_exam_score is None else f", mean {result.outcome_label} {p.mean_exam_score:.1f}"
            print(f"  {p.id + 1}. {p.name}: {p.size:,} students ({p.share:.1%}){score}\n     {p.description}")
    if result.trajectories:
        print(f"\nTrajectories (silhouette {result.silhouette.get('trajectories', float('nan')):.3f}{_on(result)}):")
        for t in result.trajectories:
            print(f"  {t.id + 1}. {t.name}: {t.size:,} students ({t.share:.1%})\n     {t.description}")
    if result.outliers:
        o = result.outliers
        print(f"\nOutliers (DBSCAN, eps {o.params['eps']}, min_samples {o.params['min_samples']}"
              + (f", fitted on a sample of {o.params['fitted_on']:,}" if o.params["sampled"] else "")
              + f"): {o.count:,} students with unusual profiles")
        for item in o.items[:5]:
            print(f"  row {result.sheet_row(item.row)}: " + "; ".join(item.details))
        if o.count > 5:
            print(f"  ... {o.count - 5:,} more in --json")
    for model, reason in result.skipped.items():
        print(f"\nNot shown: {model}: {reason}")
    if result.warnings:
        print("\nWarnings:")
        for w in result.warnings:
            print(f"  - {w}")
    print("\nTimings (s): " + ", ".join(f"{k} {v:.3f}" for k, v in result.timings.items()))


def print_stability(extra: dict) -> None:
    method = extra.get("stability_method")
    if not method:
        return
    on = (f"{method['measured_on']:,} of {method['students']:,} students (seeded sample)" if method["sampled"]
          else f"all {method['students']:,} students")
    print(f"\nPersona counts, measured on {on}; stability = mean ARI over {method['resamples']} bootstrap refits:")
    for k, ari in extra["stability"].items():
        mark = " <- suggested" if str(method["suggested_k"]) == k else ""
        print(f"  {k}: silhouette {method['silhouette'][k]:.3f}, stability {ari:.3f}{mark}")
    if method["suggested_k"] is None:
        print(f"  No count is stable (stability >= {method['stable_from']}): the personas are a convenience, "
              "not a finding.")
    if method["few_students"]:
        print(f"  The personas rest on {method['students']:,} students (fewer than {method['few_below']}).")


def print_risk(risk: dict | None) -> None:
    if risk is None:
        return
    print(f"\nRisk model ({risk['model_type']}, {len(risk['features'])} pre-exam columns, fitted in "
          f"{risk['fit_seconds']:.1f} s): pass mark {risk['pass_mark']:g} ({risk['pass_mark_reason']})")
    print(f"  {risk['at_risk']:,} of {risk['students']:,} students flagged below the pass mark")
    cv = risk["cv"]
    print(f"  {cv['folds']}-fold cross-validation on {cv['rows']:,} students:")
    print(f"    {'score':<26} {'MAE':>7} {'RMSE':>7}")
    for name, label in (("model", "model"), ("baseline_mean", "predict the mean"),
                        ("baseline_previous", "previous score only")):
        if name in cv:
            print(f"    {label:<26} {cv[name]['mae']:>7.2f} {cv[name]['rmse']:>7.2f}")
    passfail = risk.get("passfail")
    if passfail:
        print(f"    {'below the pass mark':<26} {'AUC':>7} {'accuracy':>9} {'Brier':>7}   (n = {cv['model']['n']:,})")
        for name, label in (("model", f"in use: {passfail['chosen']}"), ("regression", "regression"),
                            ("classifier", "classifier"), ("blend", "blend"),
                            ("baseline_mean", "majority class"), ("baseline_previous", "previous score only")):
            m = cv.get(name)
            if m and "brier" in m:
                auc = "–" if m["auc"] is None else f"{m['auc']:.3f}"
                print(f"    {label:<26} {auc:>7} {m['accuracy']:>9.1%} {m['brier']:>7.3f}")
        for line in passfail["verdict"]:
            print(f"  {line}")
