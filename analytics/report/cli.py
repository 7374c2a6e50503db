"""`python -m analytics report FILE --out report.html [--pdf report.pdf] [--where COLUMN=VALUE ...]
[--include-students] [--reference REF.csv]`."""
from __future__ import annotations

import os
import sys

from analytics.defaults import PERSONAS
from analytics.errors import DataError
from analytics.ingest.read import DEFAULT_MAX_BYTES


def add_parser(sub, sheet_help: str) -> None:
    rep = sub.add_parser("report", help="the leadership report for a view: one self-contained HTML file (and a PDF)")
    rep.add_argument("file")
    rep.add_argument("--out", required=True, metavar="report.html", help="the HTML file to write")
    rep.add_argument("--pdf", metavar="report.pdf", help="also print it to a PDF (needs Chromium)")
    rep.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                     help="keep students whose COLUMN is VALUE (repeat for more; same column = any of them)")
    rep.add_argument("--include-students", action="store_true", help="add the list of students predicted below "
                     "the pass mark, with their names and ids (staff only)")
    rep.add_argument("--reference", metavar="REF.csv", help="compare subjects and groups with these reference "
                     "figures (as `benchmark --reference`)")
    rep.add_argument("--sheet", help=sheet_help)
    rep.add_argument("--personas", type=int, default=PERSONAS)
    rep.add_argument("--model", metavar="MODEL.json", help="place students on an earlier year's persona model")
    rep.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 2**20, help="size limit in MB")


def run(result, args, keep) -> int:
    from analytics.compare.reference import load_reference
    from analytics.report.build import build
    from analytics.report.pdf import html_to_pdf, require
    from analytics.report.render import render

    if args.pdf:
        require()  # no Chromium: say so before the work
    reference = load_reference(args.reference) if args.reference else None
    data = build(result, keep, view=list(args.where), include_students=args.include_students, reference=reference)
    try:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(render(data))
    except OSError as err:
        raise DataError(f"cannot write the report ({err.strerror})", file=args.out) from None
    print(f"wrote the report ({data.kpis['students']:,} students) to {args.out}", file=sys.stderr)
    if args.pdf:
        html_to_pdf(args.out, args.pdf)
        print(f"wrote {args.pdf} ({os.path.getsize(args.pdf) // 1024:,} KB)", file=sys.stderr)
    return 0
