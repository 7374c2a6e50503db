"""`python -m analytics benchmark FILE --reference REF.csv`: the comparison as JSON or as a table in words."""
from __future__ import annotations

import json

from analytics.compare.benchmark import Benchmark, benchmark
from analytics.compare.reference import load_reference
from analytics.compare.school import load_school


def _number(value, percent: bool, sign: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text + ("%" if percent and not sign else "")


def print_text(result: Benchmark) -> None:
    print(f"{result.school} against {result.reference} (groups under {result.min_group} pupils suppressed)")
    if result.comparisons:
        print(f"\n  {'subject':<20} {'measure':<22} {'group':<20} {'school':>7} {'ref':>7} {'diff':>6} "
              f"{'95% interval':>15} {'n':>7}")
    for row in result.comparisons:
        pct = row["measure"] != "mean"
        interval = ("fewer than " + str(result.min_group) if row["suppressed"] else
                    f"{_number(row['low'], False)}-{_number(row['high'], False)}")
        n = "" if row["n"] is None else f"{row['n']:,}"
        print(f"  {row['subject'][:20]:<20} {row['measure'][:22]:<22} {row['group'][:20]:<20} "
              f"{_number(row['school'], pct):>7} {_number(row['reference'], pct):>7} "
              f"{_number(row['difference'], pct, True):>6} {interval:>15} {n:>7}")
    for gap in result.gaps:
        print(f"\nGap {gap['groups'][0]} minus {gap['groups'][1]}, {gap['subject']} {gap['measure']} "
              f"{gap['year']}: school {_number(gap['school_gap'], False, True)} "
              f"({_number(gap['low'], False, True)} to {_number(gap['high'], False, True)}), reference "
              f"{_number(gap['reference_gap'], False, True)}")
    if result.skipped:
        print("\nNot compared:")
        for item in result.skipped:
            print(f"  row {item['row']} ({item['subject']}, {item['group']}): {item['reason']}")
    for warning in result.warnings:
        print(f"\nWarning: {warning}")


def run_benchmark(args, choices: dict | None) -> int:
    reference = load_reference(args.reference)  # a bad reference fails before the school's file is read
    school = load_school(args.file, choices, int(args.max_mb * 2**20), getattr(args, "sheet", None))
    result = benchmark(school, reference)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print_text(result)
    return 0
