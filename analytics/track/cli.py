"""`python -m analytics track T1.csv T2.csv [...]`: the command's options and its text and JSON output."""
from __future__ import annotations

import json

from analytics.defaults import MAX_PERSONAS, MIN_PERSONAS, PERSONAS
from analytics.ingest.read import DEFAULT_MAX_BYTES
from analytics.track.tracking import Tracking, track_files

MAX_LISTED = 10  # ids the text output lists; --json has them all


def add_parser(sub) -> None:
    cmd = sub.add_parser("track", help="link several terms' files of one cohort by student id: who joined and "
                         "left, persona moves on the first term's personas, subject means per term")
    cmd.add_argument("files", nargs="*", metavar="TERM.csv", help="two or more files, first term first")
    cmd.add_argument("--id", metavar="COLUMN", help="the column that identifies a student in every file "
                     "(default: the student id column found, such as UPN)")
    cmd.add_argument("--mapping", metavar="FILE.json", help="column choices applied to every file (see summarize)")
    cmd.add_argument("--personas", type=int, default=PERSONAS,
                     help=f"{MIN_PERSONAS}-{MAX_PERSONAS} personas fitted on the first term (default {PERSONAS})")
    cmd.add_argument("--students", metavar="OUT.csv", help="also write one row per student: name, persona and "
                     "subject points in each term (T1, T2, ...)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="size limit per file in MB")


def run(args, choices: dict | None) -> int:
    result = track_files(args.files, args.id, choices, args.personas, int(args.max_mb * 2**20))
    if args.students:
        result.table.to_csv(args.students)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print_text(result)
    return 0


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return f" ({shown}{', ...' if len(ids) > MAX_LISTED else ''})" if ids else ""


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def print_text(result: Tracking) -> None:
    out = result.to_dict()
    print(f"{len(out['terms'])} terms linked by {result.id_column}")
    for term in out["terms"]:
        print(f"  {term['file']}: {term['rows']:,} students")
    print(f"\nIn every term: {out['linked']:,} students")
    print(f"Joined after the first term: {len(result.joined):,}{_ids(result.joined)}")
    print(f"Left before the last term: {len(result.left):,}{_ids(result.left)}")
    if result.duplicates:
        print(f"Left out of linking (id on more than one row): {len(result.duplicates):,}{_ids(result.duplicates)}")
    if result.moves:
        names = [p["name"] for p in out["terms"][0]["personas"]]
        print(f"\nPersonas (fitted on {result.files[0]}, applied to later terms), students per term:")
        for i, name in enumerate(names):
            sizes = " -> ".join(f"{term['personas'][i]['size']:,}" for term in out["terms"])
            print(f"  {name}: {sizes}")
        for step, moves in zip(out["steps"], result.moves):
            share = step["moved"] / step["students"] if step["students"] else 0
            print(f"\n{step['from']} -> {step['to']}: {step['moved']:,} of {step['students']:,} students changed "
                  f"persona ({share:.1%})")
            for move in sorted((m for m in moves if m["from"] != m["to"]), key=lambda m: -m["count"])[:8]:
                print(f"  {move['from']} -> {move['to']}: {move['count']:,}")
    if result.subjects:
        print("\nSubjects, mean points per term (change for students with a mark in both terms):")
        for name, means in result.subjects.items():
            steps = [f"{c['mean_change']:+.2f} ({c['improved']:,} up, {c['declined']:,} down)"
                     for c in result.changes[name] if c]
            print(f"  {name}: {' -> '.join(_number(m) for m in means)}" + (f"; {'; '.join(steps)}" if steps else ""))
    for name, reason in result.refused.items():
        print(f"\nNot compared: {reason}")
    if result.warnings:
        print("\nWarnings:")
        for warning in result.warnings:
            print(f"  - {warning}")
