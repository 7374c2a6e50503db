"""Command line: `python -m analytics generate|summarize ...` (see --help)."""
from __future__ import annotations

import argparse
import json
import sys

from .analysis import MAX_PERSONAS, MIN_PERSONAS, analyse_file
from .errors import DataError
from .generate import generate_students
from .ingest import DEFAULT_MAX_BYTES
from .results import Analysis


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Cohort Atlas batch tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a seeded demo cohort in the 20-column layout")
    gen.add_argument("--rows", type=int, default=2000)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    summ = sub.add_parser("summarize", help="personas, trajectories and data quality for a CSV file")
    summ.add_argument("file")
    summ.add_argument("--personas", type=int, default=5, help=f"{MIN_PERSONAS}-{MAX_PERSONAS} (default 5)")
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="size limit in MB")
    summ.add_argument("--map", action="store_true", help="also lay out the student map (UMAP) and cache it for "
                      "the dashboard; adds map_seconds")
    summ.add_argument("--pass-mark", type=float, help="exam score below which a student counts as at risk "
                      "(default: halfway between the two weakest trajectories' mean scores)")
    summ.add_argument("--no-risk", action="store_true", help="skip the risk model (faster)")
    summ.add_argument("--cache", help="the dashboard's cache directory for --map (default: COHORT_ATLAS_CACHE or "
                      ".cache in the project)")
    return parser


def _print_text(result: Analysis) -> None:
    print(f"{result.filename}: {result.rows:,} students")
    print("\nColumn mapping (role -> column):")
    for role, column in result.mapping.items():
        print(f"  {role:<22} {column}")
    print("\nImputed cells: " + (", ".join(f"{c} {n}" for c, n in result.imputed.items()) or "none"))
    if result.personas:
        print(f"\nPersonas (silhouette {result.silhouette.get('personas', float('nan')):.3f}):")
        for p in result.personas:
            score = "" if p.mean_exam_score is None else f", mean exam score {p.mean_exam_score:.1f}"
            print(f"  {p.id + 1}. {p.name}: {p.size:,} students ({p.share:.1%}){score}\n     {p.description}")
    if result.trajectories:
        print(f"\nTrajectories (silhouette {result.silhouette.get('trajectories', float('nan')):.3f}):")
        for t in result.trajectories:
            print(f"  {t.id + 1}. {t.name}: {t.size:,} students ({t.share:.1%})\n     {t.description}")
    if result.outliers:
        o = result.outliers
        print(f"\nOutliers (DBSCAN, eps {o.params['eps']}, min_samples {o.params['min_samples']}"
              + (f", fitted on a sample of {o.params['fitted_on']:,}" if o.params["sampled"] else "")
              + f"): {o.count:,} students with unusual profiles")
        for item in o.items[:5]:
            print(f"  row {item.row}: " + "; ".join(item.details))
        if o.count > 5:
            print(f"  ... {o.count - 5:,} more in --json")
    for model, reason in result.skipped.items():
        print(f"\nNot shown: {model}: {reason}")
    if result.warnings:
        print("\nWarnings:")
        for w in result.warnings:
            print(f"  - {w}")
    print("\nTimings (s): " + ", ".join(f"{k} {v:.3f}" for k, v in result.timings.items()))


def _risk(result: Analysis, pass_mark: float | None) -> dict | None:
    from .risk import NoModel, cv_summary, fit_risk

    try:
        return cv_summary(fit_risk(result), result, pass_mark)
    except NoModel as err:
        result.skipped["risk"] = str(err)
        return None


def _print_risk(risk: dict | None) -> None:
    if risk is None:
        return
    print(f"\nRisk model ({risk['model_type']}, {len(risk['features'])} pre-exam columns, fitted in "
          f"{risk['fit_seconds']:.1f} s): pass mark {risk['pass_mark']:g} ({risk['pass_mark_reason']})")
    print(f"  {risk['at_risk']:,} of {risk['students']:,} students predicted below the pass mark")
    cv = risk["cv"]
    print(f"  {cv['folds']}-fold cross-validation on {cv['rows']:,} students:")
    print(f"    {'':<20} {'MAE':>7} {'RMSE':>7} {'AUC':>7} {'accuracy':>9}")
    for name, label in (("model", "model"), ("baseline_mean", "predict the mean"),
                        ("baseline_previous", "previous score only")):
        if name in cv:
            m = cv[name]
            auc = "–" if m["auc"] is None else f"{m['auc']:.3f}"
            print(f"    {label:<20} {m['mae']:>7.2f} {m['rmse']:>7.2f} {auc:>7} {m['accuracy']:>9.1%}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "generate":
            if args.rows < 1:
                raise DataError("--rows must be at least 1")
            frame = generate_students(args.rows, args.seed)
            frame.to_csv(sys.stdout if args.out == "-" else args.out, index=False)
            if args.out != "-":
                print(f"wrote {args.rows:,} students to {args.out}", file=sys.stderr)
            return 0
        result = analyse_file(args.file, args.personas, int(args.max_mb * 2**20))
    except DataError as err:
        print(f"error: {err.one_line()}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 2
    result.timings["total"] = round(sum(result.timings.values()), 4)
    extra = {}
    if not args.no_risk:  # after "total" too: the risk model has its own fit_seconds
        extra["risk"] = _risk(result, args.pass_mark)
    if args.map:  # after "total": that stays the analysis alone
        from .map_worker import project_file
        extra.update(project_file(args.file, result, args.cache, int(args.max_mb * 2**20)))
    if args.json:
        print(json.dumps({**result.to_dict(), **extra}, indent=2))
    else:
        _print_text(result)
        if "risk" in extra:
            _print_risk(extra["risk"])
        if "map_seconds" in extra:
            seconds = "" if extra["map_seconds"] is None else f" ({extra['map_seconds']:.1f} s)"
            print(f"\nStudent map: {extra['map_note']}{seconds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
