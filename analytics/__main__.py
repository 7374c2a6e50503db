"""Command line: `python -m analytics generate|summarize|insights|ask|benchmark|track ...` (see --help)."""
from __future__ import annotations

import argparse
import json
import os
import sys

from analytics.analysis import analyse_file
from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS, PERSONAS
from analytics.errors import DataError
from analytics.ingest.generate import generate_students
from analytics.ingest.read import DEFAULT_MAX_BYTES
from analytics.ingest.school import MAX_ROWS as MAX_SCHOOL_ROWS
from analytics.ingest.school import generate_school
from analytics.results import Analysis
from analytics.summary_text import print_risk, print_stability, print_summary, silhouette_students
from analytics.report import cli as report_cli
from analytics.track import cli as track_cli

SHEET_HELP = "for an Excel workbook: the sheet to read, by name or number (default: the first with a table)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Cohort Atlas batch tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a seeded demo cohort in the 20-column layout, or with --school an "
                         "English secondary school's MIS export")
    gen.add_argument("--school", action="store_true", help="the demo school: UPN, year group, form, tutor, FSM, SEN, "
                     "EAL, attendance, KS2, mocks ... (17 columns)")
    gen.add_argument("--rows", type=int, help="students (default 2,000; 1,000 with --school)")
    gen.add_argument("--seed", type=int, help="random seed (default 7; 11 with --school)")
    gen.add_argument("--terms", type=int, help="with --school: that many linked terms of the same pupils (a few "
                     "join and leave), written as term1.csv, term2.csv ... in the --out directory")
    gen.add_argument("--out", required=True, help="CSV file to write ('-' for standard output); a directory with "
                     "--terms")
    summ = sub.add_parser("summarize", help="personas, trajectories and data quality for a CSV or .xlsx file")
    summ.add_argument("file")
    summ.add_argument("--sheet", help=SHEET_HELP)
    summ.add_argument("--personas", type=int, default=PERSONAS,
                      help=f"{MIN_PERSONAS}-{MAX_PERSONAS} (default {PERSONAS})")
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="size limit in MB")
    summ.add_argument("--map", action="store_true", help="also lay out the student map (UMAP) and cache it for "
                      "the dashboard; adds map_seconds")
    summ.add_argument("--pass-mark", type=float, help="exam score below which a student counts as at risk "
                      "(default: the grading scale's pass, 10 on 0-20; else halfway between the two weakest "
                      "trajectories' mean scores)")
    summ.add_argument("--no-risk", action="store_true", help="skip the risk model (faster)")
    summ.add_argument("--model", metavar="MODEL.json", help="place students on the personas of an earlier year's "
                      "model file (written with --save-model or downloaded from the dashboard) instead of fitting "
                      "new ones; --personas is then the model's")
    summ.add_argument("--save-model", metavar="MODEL.json", help="write the fitted personas, column roles and "
                      "settings to this file (no student rows), to carry them forward to next year's cohort")
    summ.add_argument("--cache", help="the dashboard's cache directory for --map (default: COHORT_ATLAS_CACHE or "
                      ".cache in the project)")
    ins = sub.add_parser("insights", help="the six insight sections for a view of a CSV or .xlsx file")
    ins.add_argument("file")
    ins.add_argument("--sheet", help=SHEET_HELP)
    ins.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                     help="keep students whose COLUMN is VALUE (repeat for more; same column = any of them)")
    ins.add_argument("--json", action="store_true", help="print one JSON object with engine and facts")
    ins.add_argument("--personas", type=int, default=PERSONAS)
    ask = sub.add_parser("ask", help="answer a plain-language question about a CSV or .xlsx file")
    ask.add_argument("file")
    ask.add_argument("question")
    ask.add_argument("--sheet", help=SHEET_HELP)
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--personas", type=int, default=PERSONAS)
    bench = sub.add_parser("benchmark", help="the school against reference figures (national statistics) per "
                           "subject and group")
    bench.add_argument("file")
    bench.add_argument("--sheet", help=SHEET_HELP)
    bench.add_argument("--reference", required=True, metavar="REF.csv", help="figures: subject (or measure), "
                       "group, year, value, optional n and source; see the README")
    bench.add_argument("--json", action="store_true", help="print one JSON object: comparisons, gaps, skipped")
    bench.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="size limit in MB")
    track_cli.add_parser(sub)
    report_cli.add_parser(sub, SHEET_HELP)
    for command in (summ, ins, ask, bench, sub.choices["report"]):
        command.add_argument("--mapping", metavar="FILE.json", help="column choices: roles, subjects (with scale, "
                             "pass_mark, target), identifiers, ignore, outcome; see the README")
    return parser


def _choices(path: str | None) -> dict | None:
    """The --mapping file as a dict, or a DataError naming the file and what is wrong with it."""
    if not path:
        return None
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            choices = json.load(fh)
    except OSError as err:
        raise DataError(f"cannot open the mapping file ({err.strerror})", file=name) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        where = f" (line {err.lineno}, column {err.colno})" if isinstance(err, json.JSONDecodeError) else ""
        raise DataError(f"the mapping file is not valid JSON{where}", file=name) from None
    if not isinstance(choices, dict):
        raise DataError("the mapping file must hold one JSON object such as {\"roles\": {...}}", file=name)
    return choices


def _where(result: Analysis, pairs: list[str]):
    """The --where mask; a bad column or value is a DataError naming it."""
    import numpy as np

    mask = np.ones(result.rows, dtype=bool)
    chosen: dict[str, list[str]] = {}
    for pair in pairs:
        column, sep, value = pair.partition("=")
        column, value = column.strip(), value.strip()
        if not sep or not column:
            raise DataError(f"--where '{pair}' must look like COLUMN=VALUE")
        if column not in result.students:
            known = ", ".join(c for c in result.students.columns if not c.startswith("z_"))
            raise DataError(f"--where: no column '{column}' (columns: {known})")
        chosen.setdefault(column, []).append(value)
    for column, values in chosen.items():
        cells = result.students[column].astype(str).str.strip()
        hit = cells.isin(values).to_numpy()
        if not hit.any():
            sample = ", ".join(sorted(cells.unique())[:8])
            raise DataError(f"--where: no student has {column} = {' or '.join(values)} (values include: {sample})")
        mask &= hit
    return mask


def _insights(result: Analysis, args) -> int:
    from analytics.insights.facts import view_facts
    from analytics.insights.gemini import insights
    from analytics.insights.offline import SECTIONS, TITLES

    out = insights(view_facts(result, _where(result, args.where)))
    if args.json:
        print(json.dumps(out.to_dict(), indent=2, default=float))
        return 0
    print(f"{result.filename}: {out.facts['students']:,} of {result.rows:,} students"
          + (f" ({', '.join(args.where)})" if args.where else "") + f" · written by the {out.engine} engine"
          + (f" ({out.note})" if out.note else ""))
    for section in SECTIONS:
        print(f"\n{TITLES[section]}")
        for line in out.sections.get(section, []):
            print(f"  - {line}")
    if out.sections.get("persona_names"):
        print("\nSuggested persona names")
        for item in out.sections["persona_names"]:
            print(f"  - {item['persona']}: {item['suggested_name']}")
    return 0


def _ask(result: Analysis, args) -> int:
    from analytics.insights.ask_gemini import answer_or_fallback
    from analytics.insights.gemini import api_key

    answer, note = answer_or_fallback(result, args.question, api_key())
    if args.json:
        print(json.dumps({"question": args.question, "answer": answer.text, "engine": answer.engine, "note": note,
                          "understood": answer.understood, "table": answer.table.to_dict("records")},
                         indent=2, default=float))
    else:
        print(answer.text + (f"\n({note})" if note else ""))
        if not answer.table.empty:
            print("\n" + answer.table.to_string(index=False))
    return 0 if answer.understood else 1


def _risk(result: Analysis, pass_mark: float | None) -> dict | None:
    from analytics.predict.risk import NoModel, fit_risk
    from analytics.predict.risk_summary import cv_summary

    try:  # the pass/fail task is fitted for the pass mark asked for
        return cv_summary(fit_risk(result, pass_mark=pass_mark), result, pass_mark)
    except NoModel as err:
        result.skipped["risk"] = str(err)
        return None


def _stability(result: Analysis) -> dict:
    """`stability` ({k: ARI}) and `stability_method` (students, sample, protocol, silhouettes, suggestion)."""
    import time

    from analytics.models.stability import of_analysis

    start = time.perf_counter()
    found = of_analysis(result)
    if found is None:
        return {"stability": {}}
    out = found.to_dict()
    out["stability_method"]["seconds"] = round(time.perf_counter() - start, 4)
    return out


def _save_model(result: Analysis, args) -> None:
    from analytics.models.model_file import dumps

    text = dumps(result, {"pass_mark": args.pass_mark} if args.pass_mark is not None else None)
    try:
        with open(args.save_model, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:
        raise DataError(f"cannot write the model file ({err.strerror})", file=args.save_model) from None
    print(f"wrote the persona model ({len(result.personas)} personas) to {args.save_model}", file=sys.stderr)


def _generate(args) -> int:
    rows = args.rows if args.rows is not None else (1000 if args.school else 2000)
    if rows < 1:
        raise DataError("--rows must be at least 1")
    if args.terms is not None and not args.school:
        raise DataError("--terms needs --school (the demo school is the cohort followed over terms)")
    if args.school:
        if rows > MAX_SCHOOL_ROWS:
            raise DataError(f"--rows must be at most {MAX_SCHOOL_ROWS:,} with --school")
        if args.terms is not None:
            return _generate_terms(args, rows)
        frame = generate_school(rows, 11 if args.seed is None else args.seed)
    else:
        frame = generate_students(rows, 7 if args.seed is None else args.seed)
    frame.to_csv(sys.stdout if args.out == "-" else args.out, index=False)
    if args.out != "-":
        print(f"wrote {rows:,} students to {args.out}", file=sys.stderr)
    return 0


def _generate_terms(args, rows: int) -> int:
    from analytics.ingest.terms_gen import MAX_TERMS, generate_terms

    if not 1 <= args.terms <= MAX_TERMS:
        raise DataError(f"--terms must be between 1 and {MAX_TERMS}")
    if args.out == "-" or os.path.isfile(args.out):
        raise DataError(f"--out must be a directory with --terms ('{args.out}' is not one)")
    os.makedirs(args.out, exist_ok=True)
    for term, frame in enumerate(generate_terms(rows, args.terms, 11 if args.seed is None else args.seed), 1):
        path = os.path.join(args.out, f"term{term}.csv")
        frame.to_csv(path, index=False)
        print(f"wrote {len(frame):,} students to {path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "generate":
            return _generate(args)
        if args.command == "benchmark":
            from analytics.compare.cli import run_benchmark
            return run_benchmark(args, _choices(args.mapping))
        if args.command == "track":
            return track_cli.run(args, _choices(args.mapping))
        choices = _choices(args.mapping)
        if getattr(args, "model", None):
            from analytics.models.model_file import CHOICE_KEY, read_model
            choices = {**(choices or {}), CHOICE_KEY: read_model(args.model)}
        result = analyse_file(args.file, args.personas, int(getattr(args, "max_mb", DEFAULT_MAX_BYTES / 2**20)
                                                            * 2**20), choices, args.sheet)
        if args.command == "report":
            return report_cli.run(result, args, _where(result, args.where))
        if getattr(args, "save_model", None):
            _save_model(result, args)
        if args.command == "insights":
            return _insights(result, args)
        if args.command == "ask":
            return _ask(result, args)
    except DataError as err:
        print(f"error: {err.one_line()}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 2
    result.timings["total"] = round(sum(result.timings.values()), 4)
    extra = {}
    extra["silhouette_measured_on"] = silhouette_students(result) if result.silhouette else None
    extra.update(_stability(result))  # after "total" too: it has its own seconds
    if not args.no_risk:
        extra["risk"] = _risk(result, args.pass_mark)
    if args.map:  # after "total": that stays the analysis alone
        from backend.map_worker import project_file
        extra.update(project_file(args.file, result, args.cache, int(args.max_mb * 2**20), args.sheet))
    if args.json:
        print(json.dumps({**result.to_dict(), **extra}, indent=2))
    else:
        print_summary(result)
        print_stability(extra)
        if "risk" in extra:
            print_risk(extra["risk"])
        if "map_seconds" in extra:
            seconds = "" if extra["map_seconds"] is None else f" ({extra['map_seconds']:.1f} s)"
            print(f"\nStudent map: {extra['map_note']}{seconds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
