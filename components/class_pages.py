"""The class report: one printed page per class (a page break before each), each with a table per subject of
who needs help and why. Plain HTML like the class list (components/class_report.py), whose table it reuses."""
from __future__ import annotations

from datetime import date
from html import escape

from .class_report import STYLE, needs_table

PAGES = """
@page{size:A4;margin:12mm}.class-page+.class-page{break-before:page}.class-page h2{margin-top:.3rem}
.class-head{border-bottom:2px solid #2563eb;padding-bottom:.2rem;margin-bottom:.3rem}
@media print{.class-page+.class-page{margin-top:0}}
"""


def class_pages_report(title: str, filename: str, pages: list, back: str) -> str:
    head = [f"<h1>Who needs help, class by class: {escape(title)}</h1>",
            f'<p class="meta">{escape(filename)} · {len(pages):,} class(es) · printed {date.today():%d %B %Y} · '
            f'<a href="{escape(back, quote=True)}">back to the dashboard</a></p>',
            '<p class="print"><button type="button" onclick="window.print()">Print or save as PDF</button></p>']
    if not pages:
        head.append("<p>This file has no form or teacher column, so there are no classes to print; the class list "
                    "prints the whole view on one page.</p>")
    body = []
    for page in pages:
        parts = [f'<section class="class-page" data-class="{escape(page.name, quote=True)}">',
                 f'<div class="class-head"><h2>{escape(page.label)} {escape(page.name)}</h2>',
                 f'<p class="meta">{page.students:,} students'
                 + (f" · {escape(page.teacher)}" if page.teacher else "") + "</p></div>"]
        if not page.subjects:
            parts.append("<p>No subject marks or exam scores to list.</p>")
        for needs in page.subjects:
            parts.append(f"<h3>{escape(needs.subject)}: {len(needs.rows):,} of {needs.with_mark:,} with a mark</h3>")
            parts.append(f'<p class="rule">Listed: {escape(needs.rule)}, furthest below first.</p>')
            parts.append(needs_table(needs))
        parts.append("</section>")
        body.append("".join(parts))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · class report'
            f'</title><style>{STYLE}{PAGES}</style></head><body><main>{"".join(head)}{"".join(body)}</main>'
            "</body></html>")
