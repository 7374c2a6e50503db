"""The printable class list: one page per class, a table per subject of who needs help and why.

A plain HTML document (no Dash, no scripts) so that the browser's print dialog, or saving it as PDF, gives a
clean sheet a teacher can take into a lesson. Every cell is escaped: names and values come from the upload.
"""
from __future__ import annotations

from datetime import date
from html import escape

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;margin:1.5rem;font-size:12px}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.4rem 0 .3rem}
.meta,.rule{color:#52606d;margin:.1rem 0 .5rem}table{border-collapse:collapse;width:100%;margin-bottom:.5rem}
th,td{border:1px solid #cbd2d9;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f0f4f8}
.none{color:#3e7c17}.print{margin:.5rem 0 1rem}@media print{.print{display:none}h2{break-after:avoid}
tr{break-inside:avoid}body{margin:0}}
"""


def needs_table(needs) -> str:
    if needs.rows.empty:
        return f'<p class="none">Nobody in this class is {escape(needs.rule)}.</p>'
    headers = {"row": "Row", "mark": "Mark", "progress": "Progress (points against pupils with the same prior "
               "attainment)", "why": "Why (from their record)", "context": "FSM / SEN / EAL"}
    columns = list(needs.rows.columns)
    head = "".join(f"<th scope=\"col\">{escape(headers.get(c, c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in needs.rows.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def class_report(title: str, filename: str, subjects: list, back: str) -> str:
    """The whole document. `title` names the class ("Form 10B"), `back` is the dashboard URL of this view."""
    parts = [f"<h1>Who needs help: {escape(title)}</h1>",
             f'<p class="meta">{escape(filename)} · printed {date.today():%d %B %Y} · '
             f'<a href="{escape(back, quote=True)}">back to the dashboard</a></p>',
             '<p class="print"><button type="button" onclick="window.print()">Print or save as PDF</button></p>']
    if not subjects:
        parts.append("<p>This file has no subject marks or exam scores, so there is no list to make.</p>")
    for needs in subjects:
        parts.append(f"<h2>{escape(needs.subject)}: {len(needs.rows):,} of {needs.with_mark:,} with a mark</h2>")
        parts.append(f'<p class="rule">Listed: {escape(needs.rule)}, furthest below first.</p>')
        parts.append(needs_table(needs))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · class list'
            f'</title><style>{STYLE}</style></head><body><main>{"".join(parts)}</main></body></html>')
