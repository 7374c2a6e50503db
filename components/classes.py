"""The classes panel: one row per form (or teacher), each a link to that class's own view and printed list."""
from __future__ import annotations

import math

from dash import dcc, html

CAPTION = ("Each class opens as its own view (the whole dashboard, its own address); the printer icon opens the "
           "list of who needs help in each subject, and why. 'Below' counts use the subject's target, else its "
           "pass mark, else the cohort's lowest quarter.")


def _cell(value, kind: str):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "progress":
        return f"{value:+.2f} SD"
    if kind == "share":
        return f"{value:.0%}"
    return f"{int(value):,}"


def class_table(rows: list[dict], subjects: list[str], links: dict, prints: dict, label: str):
    """`rows`: class_rows records; `links`/`prints`: class -> dashboard / print URL; `label`: Form or Teacher."""
    if not rows:
        return html.Div("This file has no form or teacher column, so there are no classes to open.",
                        className="panel-caption")
    has_teacher = "teacher" in rows[0]
    progress = "progress" in rows[0]
    head = ([label] + (["Teacher"] if has_teacher else []) + ["Students"] + [f"{s}: below" for s in subjects]
            + (["Progress", "On track"] if progress else []) + ["List"])
    body = []
    for row in rows:
        name = str(row["class"])
        cells = [html.Td(dcc.Link(name, href=links[name], className="class-link"))]
        if has_teacher:
            cells.append(html.Td(row["teacher"]))
        cells.append(html.Td(_cell(row["students"], "count")))
        cells += [html.Td(_cell(row[f"{s} below"], "count")) for s in subjects]
        if progress:
            cells += [html.Td(_cell(row["progress"], "progress")), html.Td(_cell(row["on_track"], "share"))]
        cells.append(html.Td(html.A(html.I(className="bi bi-printer", **{"aria-hidden": "true"}), href=prints[name],
                                    target="_blank", rel="noopener", title=f"Print the list for {label} {name}",
                                    **{"aria-label": f"Print the list for {label} {name}"})))
        body.append(html.Tr(cells))
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                               className="table table-sm class-table"), className="table-responsive")


def class_banner(title: str, students: int, print_href: str, whole_href: str):
    """Shown above the dashboard while the view is one class."""
    return html.Div([html.I(className="bi bi-easel me-2", **{"aria-hidden": "true"}),
                     html.Strong(f"Class view: {title}"), f" · {students:,} students · ",
                     html.A("print who needs help", href=print_href, target="_blank", rel="noopener"), " · ",
                     dcc.Link("back to everyone", href=whole_href)], className="class-banner", role="status")
